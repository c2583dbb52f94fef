package org.bankapi.crypto;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bankapi.db.SqlArrays;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Envelope encryption of personal data with one data key per account, so that destroying the key erases
 * the data while the ledger stays whole. Keys, caching and erasure: docs/security.md, "Personal data".
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
    private final DataKeyPool pool;
    /**
     * A read that only has the account id ({@link #open(long, SealedPersonalData)}, the replay key)
     * trusts a cached key at most {@link #CACHED_KEY_TTL_MS}, then looks at its data_keys row again,
     * so an erasure on another instance takes effect here within that time. A read that fetched the
     * row with the account ({@link #open(long, SealedPersonalData, StoredDataKey)}) sees an erasure
     * at once and uses a cached key only when it was unwrapped from exactly that stored wrapping.
     */
    static final long CACHED_KEY_TTL_MS = 60_000;

    private final Map<Long, CachedKey> dataKeys = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CachedKey> eldest) {
            return size() > CACHED_KEYS_MAX;
        }
    });

    /** An unwrapped key with the stored wrapping it came from (or was wrapped into). */
    /** Binds, for the transaction that creates it, the replay key not committed yet (never cached before). */
    private final Object replayKeyInCreation = new Object();

    private record CachedKey(byte[] key, String kekId, byte[] wrappedKey, long loadedAtMs) {

        boolean unwrapsFrom(StoredDataKey stored) {
            return kekId.equals(stored.kekId()) && Arrays.equals(wrappedKey, stored.wrappedKey());
        }
    }

    public PersonalDataVault(JdbcClient jdbc, KeyEncryptionKey kek, Clock clock, DataKeyPool pool) {
        this.jdbc = jdbc;
        this.kek = kek;
        this.clock = clock;
        this.pool = pool;
    }

    /**
     * Creates each account's data key (in the caller's database transaction, one multi-row INSERT into
     * data_keys, each key from the pool or made inline) and encrypts its data with it: the sealed data
     * of the ids that got their key; an id that already had one is absent, so the caller picks another
     * id for it without aborting its transaction.
     */
    public Map<Long, SealedPersonalData> sealAll(Map<Long, PersonalData> byAccount) {
        if (byAccount.isEmpty()) {
            return Map.of();
        }
        List<Long> ids = new ArrayList<>(byAccount.keySet());
        List<DataKeyPool.FreshKey> fresh = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            fresh.add(pool.take());
        }
        Set<Long> inserted = new HashSet<>(jdbc.sql("""
                INSERT INTO data_keys (account_id, kek_id, wrapped_key, created_at)
                SELECT id, kek, decode(wrapped, 'base64'), :now FROM unnest(:ids, :keks, :wrapped) AS k(id, kek, wrapped)
                ON CONFLICT (account_id) DO NOTHING RETURNING account_id""")
                .param(
                        "ids",
                        SqlArrays.bigints(
                                ids.stream().mapToLong(Long::longValue).toArray()))
                .param(
                        "keks",
                        SqlArrays.texts(
                                fresh.stream().map(DataKeyPool.FreshKey::kekId).toArray(String[]::new)))
                .param(
                        "wrapped",
                        SqlArrays.texts(fresh.stream()
                                .map(key -> Base64.getEncoder().encodeToString(key.wrappedKey()))
                                .toArray(String[]::new)))
                .param("now", Timestamp.from(clock.instant()))
                .query(Long.class)
                .list());
        Map<Long, SealedPersonalData> sealed = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            if (inserted.contains(id)) {
                sealed.put(id, sealWith(id, fresh.get(i), byAccount.get(id)));
            } else {
                fresh.get(i).destroy();
            }
        }
        return sealed;
    }

    /** Encrypts with the account's new key and caches it, so the first read needs no unwrap; forgotten on a rollback. */
    private SealedPersonalData sealWith(long accountId, DataKeyPool.FreshKey fresh, PersonalData data) {
        SealedPersonalData sealed = new SealedPersonalData(
                encrypt(fresh.key(), accountId, "holder_name", data.holderName()),
                encrypt(fresh.key(), accountId, "email", data.email()));
        CachedKey cached = new CachedKey(fresh.key(), fresh.kekId(), fresh.wrappedKey(), clock.millis());
        dataKeys.put(accountId, cached);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        dataKeys.remove(accountId, cached);
                        fresh.destroy();
                    }
                }
            });
        }
        return sealed;
    }

    /** Opens with only the account id: the data_keys row is read when the cached key is older than the TTL. */
    public PersonalData open(long accountId, SealedPersonalData sealed) {
        Optional<byte[]> dataKey = dataKey(accountId);
        if (dataKey.isEmpty()) {
            return PersonalData.erasedData();
        }
        return decryptAll(dataKey.get(), accountId, sealed);
    }

    /**
     * Opens with the account's data_keys row read together with the account (no query here): erased
     * when the key was destroyed; the cached key when it came from this very wrapping; else one unwrap.
     */
    public PersonalData open(long accountId, SealedPersonalData sealed, StoredDataKey stored) {
        if (stored == null) {
            throw new CryptoException("account " + accountId + " has no data key: personal data cannot be read");
        }
        if (stored.destroyed()) {
            forget(accountId);
            return PersonalData.erasedData();
        }
        CachedKey cached = dataKeys.get(accountId);
        byte[] key = cached != null && cached.unwrapsFrom(stored) ? cached.key() : unwrapAndCache(accountId, stored);
        return decryptAll(key, accountId, sealed);
    }

    private static PersonalData decryptAll(byte[] key, long accountId, SealedPersonalData sealed) {
        return PersonalData.of(
                decrypt(key, accountId, "holder_name", sealed.holderName()),
                decrypt(key, accountId, "email", sealed.email()));
    }

    private byte[] unwrapAndCache(long accountId, StoredDataKey stored) {
        byte[] key = kek.unwrap(stored.kekId(), stored.wrappedKey());
        dataKeys.put(accountId, new CachedKey(key, stored.kekId(), stored.wrappedKey(), clock.millis()));
        return key;
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

    /**
     * The replay key, created on first use. Only a committed key is ever cached: the transaction that
     * creates it uses it uncached and caches it once it has committed, so that a creation rolled back (a
     * failed batch, a warm-up rehearsal) never leaves this or any other transaction sealing replies with
     * a key that was never stored.
     */
    private byte[] replayKey() {
        if (!dataKeys.containsKey(REPLAY_KEY_ACCOUNT)) {
            // a cached key was committed, so its row exists: only a process that has none may have to create it
            if (TransactionSynchronizationManager.getResource(replayKeyInCreation) instanceof CachedKey creating) {
                return creating.key(); // this transaction created it: used, not cached, until it commits
            }
            byte[] created = createReplayKeyIfAbsent();
            if (created != null) {
                return created;
            }
        }
        return dataKey(REPLAY_KEY_ACCOUNT).orElseThrow(() -> new CryptoException("the replay key was destroyed"));
    }

    /** The new replay key when this call stored it; null when it was stored already (by anyone, committed). */
    private byte[] createReplayKeyIfAbsent() {
        boolean stored = jdbc.sql("SELECT 1 FROM data_keys WHERE account_id = :id")
                .param("id", REPLAY_KEY_ACCOUNT)
                .query(Integer.class)
                .optional()
                .isPresent();
        if (stored) {
            return null;
        }
        byte[] key = Aes.newKey();
        KeyEncryptionKey.Wrapped wrapped = kek.wrapCurrent(key);
        // waits for a concurrent creator's commit or rollback; after its commit this inserts nothing
        int inserted = jdbc.sql("""
                INSERT INTO data_keys (account_id, kek_id, wrapped_key, created_at) VALUES (:id, :kek, :wrapped, :now)
                ON CONFLICT (account_id) DO NOTHING""")
                .param("id", REPLAY_KEY_ACCOUNT)
                .param("kek", wrapped.keyId())
                .param("wrapped", wrapped.wrappedKey())
                .param("now", Timestamp.from(clock.instant()))
                .update();
        if (inserted == 0) {
            return null;
        }
        CachedKey created = new CachedKey(key, wrapped.keyId(), wrapped.wrappedKey(), clock.millis());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.bindResource(replayKeyInCreation, created);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dataKeys.put(REPLAY_KEY_ACCOUNT, created);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(replayKeyInCreation);
                }
            });
        } else {
            dataKeys.put(REPLAY_KEY_ACCOUNT, created);
        }
        return key;
    }

    /** Destroys the account's data key; returns false when there was none left to destroy. */
    public boolean erase(long accountId) {
        if (accountId == REPLAY_KEY_ACCOUNT) {
            throw new IllegalArgumentException("the replay key is not an account's");
        }
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
        Optional<StoredDataKey> stored = jdbc.sql("SELECT kek_id, wrapped_key FROM data_keys WHERE account_id = :id")
                .param("id", accountId)
                .query((rs, n) -> new StoredDataKey(rs.getString("kek_id"), rs.getBytes("wrapped_key")))
                .optional();
        if (stored.isEmpty()) {
            throw new CryptoException("account " + accountId + " has no data key: personal data cannot be read");
        }
        if (stored.get().destroyed()) {
            forget(accountId);
            return Optional.empty();
        }
        if (cached != null && cached.unwrapsFrom(stored.get())) {
            dataKeys.put(accountId, new CachedKey(cached.key(), cached.kekId(), cached.wrappedKey(), clock.millis()));
            return Optional.of(cached.key());
        }
        return Optional.of(unwrapAndCache(accountId, stored.get()));
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
}
