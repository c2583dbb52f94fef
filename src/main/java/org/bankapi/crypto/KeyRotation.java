package org.bankapi.crypto;

import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code rotate-keys}: makes a new key-encryption key version current (a new local key file, or the
 * newest version of the Key Vault key, which an operator rotates in the vault), then re-wraps every
 * live data key still under an older version, in small batches, each its own transaction, so the
 * service keeps running. Data never needs re-encrypting: only the wrapping of its data key changes.
 */
@Service
public class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    static final int BATCH_SIZE = 200;

    private final JdbcClient jdbc;
    private final TransactionTemplate inTransaction;
    private final KeyEncryptionKey kek;

    public KeyRotation(JdbcClient jdbc, TransactionTemplate inTransaction, KeyEncryptionKey kek) {
        this.jdbc = jdbc;
        this.inTransaction = inTransaction;
        this.kek = kek;
    }

    /** Running instances pick up a key version made current elsewhere (by rotate-keys or in the vault) within the hour. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1H")
    void followNewestVersion() {
        try {
            switch (kek) {
                case LocalKeyFile local -> local.refresh();
                case KeyVaultKey vault -> vault.refresh();
                default -> {}
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not look for a newer key-encryption key version: {}",
                    e.getClass().getSimpleName());
        }
    }

    public record Result(String currentKeyId, long rewrapped) {}

    /** Advances the key version, then re-wraps everything not under it. */
    public Result rotate() {
        String current = switch (kek) {
            case LocalKeyFile local -> local.rotate();
            case KeyVaultKey vault -> vault.refresh();
            default -> kek.currentId();
        };
        return new Result(current, rewrapAll(current));
    }

    /** Re-wraps every live data key whose kek_id is not {@code current}; safe to run again after a stop. */
    public long rewrapAll(String current) {
        long total = 0;
        while (true) {
            Integer done = inTransaction.execute(tx -> {
                record Row(long accountId, String kekId, byte[] wrapped) {}
                List<Row> rows = jdbc.sql("""
                        SELECT account_id, kek_id, wrapped_key FROM data_keys
                         WHERE wrapped_key IS NOT NULL AND kek_id <> :current
                         ORDER BY account_id LIMIT :batch FOR UPDATE SKIP LOCKED""")
                        .param("current", current)
                        .param("batch", BATCH_SIZE)
                        .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getBytes(3)))
                        .list();
                for (Row row : rows) {
                    byte[] dataKey = kek.unwrap(row.kekId(), row.wrapped());
                    KeyEncryptionKey.Wrapped rewrapped = kek.wrapCurrent(dataKey);
                    if (!rewrapped.keyId().equals(current)) {
                        // a newer version became current meanwhile: this batch rolls back, a new run continues
                        throw new CryptoException("the key-encryption key moved to " + rewrapped.keyId()
                                + " during rotation to " + current);
                    }
                    jdbc.sql(
                                    "UPDATE data_keys SET kek_id = :kek, wrapped_key = :wrapped WHERE account_id = :id AND destroyed_at IS NULL")
                            .param("kek", rewrapped.keyId())
                            .param("wrapped", rewrapped.wrappedKey())
                            .param("id", row.accountId())
                            .update();
                    Arrays.fill(dataKey, (byte) 0);
                }
                return rows.size();
            });
            if (done == null || done == 0) {
                log.info("Key rotation done: {} data keys re-wrapped", total);
                return total;
            }
            total += done;
        }
    }
}
