package org.bankapi.crypto;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Envelope encryption of personal data: each account has its own AES-256 data key, stored only
 * wrapped by the key-encryption key. Destroying an account's data key erases its personal data
 * (crypto-shredding) while its ledger stays whole. Unwrapped keys are cached, bounded.
 */
@Service
public class PersonalDataVault {

    private static final int CACHED_KEYS_MAX = 10_000;
    /** The data_keys row of the service's own key for stored replays: no account has a negative id. */
    public static final long REPLAY_KEY_ACCOUNT = -1;
    private static final byte[] REPLAY_AAD = "idempotency-replay".getBytes(StandardCharsets.UTF_8);

    private final JdbcClient jdbc;
    private final KeyEncryptionKey kek;
    private final Clock clock;
    /**
     * Unwrapped keys live here at most {@link #CACHED_KEY_TTL_MS}: an erasure on another instance
     * takes effect here within that time, without asking the key-encryption key on every read.
     */
    static final long CACHED_KEY_TTL_MS = 60_000;
    private final Map<Long, CachedKey> dataKeys = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CachedKey> eldest) {
            return size() > CACHED_KEYS_MAX;
        }
    });

    private record CachedKey(byte[] key, long loadedAtMs) {
    }

    public PersonalDataVault(JdbcClient jdbc, KeyEncryptionKey kek, Clock clock) {
        this.jdbc = jdbc;
        this.kek = kek;
        this.clock = clock;
    }

    /**
     * Creates the account's data key (in the caller's database transaction) and encrypts the data
     * with it; empty when the account id already has a key, so the caller picks another id
     * without aborting its transaction.
     */
    public Optional<SealedPersonalData> seal(long accountId, PersonalData data) {
        byte[] dataKey = Aes.newKey();
        String kekId = kek.currentId();
        int inserted = jdbc.sql("""
                INSERT INTO data_keys (account_id, kek_id, wrapped_key, created_at) VALUES (:id, :kek, :wrapped, :now)
                ON CONFLICT (account_id) DO NOTHING""")
                .param("id", accountId)
                .param("kek", kekId)
                .param("wrapped", kek.wrap(dataKey))
                .param("now", Timestamp.from(clock.instant()))
                .update();
        if (inserted == 0) {
            return Optional.empty();
        }
        return Optional.of(new SealedPersonalData(
                encrypt(dataKey, accountId, "holder_name", data.holderName()),
                encrypt(dataKey, accountId, "email", data.email())));
    }

    public PersonalData open(long accountId, SealedPersonalData sealed) {
        Optional<byte[]> dataKey = dataKey(accountId);
        if (dataKey.isEmpty()) {
            return PersonalData.erasedData();
        }
        return PersonalData.of(
                decrypt(dataKey.get(), accountId, "holder_name", sealed.holderName()),
                decrypt(dataKey.get(), accountId, "email", sealed.email()));
    }

    /**
     * Encrypts a stored response (an Idempotency-Key replay, which may hold a holder's name) under the
     * service's own data key, {@value #REPLAY_KEY_ACCOUNT}, created on first use and rotated with the others.
     */
    public byte[] sealReplay(byte[] body) {
        if (body == null) {
            return null;
        }
        return Aes.encrypt(replayKey(), body, REPLAY_AAD);
    }

    public byte[] openReplay(byte[] sealed) {
        if (sealed == null || sealed.length == 0 || sealed[0] == '{' || sealed[0] == '[') {
            return sealed; // stored before replays were encrypted
        }
        return Aes.decrypt(replayKey(), sealed, REPLAY_AAD);
    }

    private byte[] replayKey() {
        if (!dataKeys.containsKey(REPLAY_KEY_ACCOUNT)) {
            jdbc.sql("""
                    INSERT INTO data_keys (account_id, kek_id, wrapped_key, created_at) VALUES (:id, :kek, :wrapped, :now)
                    ON CONFLICT (account_id) DO NOTHING""")
                    .param("id", REPLAY_KEY_ACCOUNT)
                    .param("kek", kek.currentId())
                    .param("wrapped", kek.wrap(Aes.newKey()))
                    .param("now", Timestamp.from(clock.instant()))
                    .update();
        }
        return dataKey(REPLAY_KEY_ACCOUNT).orElseThrow(() -> new CryptoException("the replay key was destroyed"));
    }

    /** Destroys the account's data key; returns false when there was none left to destroy. */
    public boolean erase(long accountId) {
        if (accountId == REPLAY_KEY_ACCOUNT) {
            throw new IllegalArgumentException("the replay key is not an account's");
        }
        // a stored replay of the account's opening holds its personal data too
        jdbc.sql("DELETE FROM idempotency_keys WHERE location = :location").param("location", "/accounts/" + accountId).update();
        int destroyed = jdbc.sql("""
                UPDATE data_keys SET wrapped_key = NULL, kek_id = NULL, destroyed_at = :now
                 WHERE account_id = :id AND destroyed_at IS NULL""")
                .param("id", accountId)
                .param("now", Timestamp.from(clock.instant()))
                .update();
        forget(accountId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // a read on this instance before the commit may have cached the key again
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget(accountId);
                }
            });
        }
        return destroyed == 1;
    }

    private void forget(long accountId) {
        dataKeys.remove(accountId);
    }

    private Optional<byte[]> dataKey(long accountId) {
        CachedKey cached = dataKeys.get(accountId);
        if (cached != null && clock.millis() - cached.loadedAtMs() < CACHED_KEY_TTL_MS) {
            return Optional.of(cached.key());
        }
        Optional<WrappedKey> wrapped = jdbc.sql("SELECT kek_id, wrapped_key FROM data_keys WHERE account_id = :id")
                .param("id", accountId)
                .query((rs, n) -> new WrappedKey(rs.getString("kek_id"), rs.getBytes("wrapped_key")))
                .optional();
        if (wrapped.isEmpty()) {
            throw new CryptoException("account " + accountId + " has no data key: personal data cannot be read");
        }
        if (wrapped.get().wrappedKey() == null) {
            return Optional.empty();
        }
        byte[] key = kek.unwrap(wrapped.get().kekId(), wrapped.get().wrappedKey());
        dataKeys.put(accountId, new CachedKey(key, clock.millis()));
        return Optional.of(key);
    }

    private static byte[] encrypt(byte[] key, long accountId, String field, String value) {
        if (value == null) {
            return null;
        }
        return Aes.encrypt(key, value.getBytes(StandardCharsets.UTF_8), aad(accountId, field));
    }

    private static String decrypt(byte[] key, long accountId, String field, byte[] value) {
        if (value == null) {
            return null;
        }
        return new String(Aes.decrypt(key, value, aad(accountId, field)), StandardCharsets.UTF_8);
    }

    /** Binds each ciphertext to its account and field, so a ciphertext copied elsewhere does not decrypt. */
    private static byte[] aad(long accountId, String field) {
        return ("account:" + accountId + ":" + field).getBytes(StandardCharsets.UTF_8);
    }

    private record WrappedKey(String kekId, byte[] wrappedKey) {
    }
}
