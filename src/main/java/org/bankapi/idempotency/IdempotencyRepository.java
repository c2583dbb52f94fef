package org.bankapi.idempotency;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.bankapi.crypto.PersonalDataVault;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class IdempotencyRepository {

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;

    IdempotencyRepository(JdbcClient jdbc, PersonalDataVault vault) {
        this.jdbc = jdbc;
        this.vault = vault;
    }

    /**
     * Claims the key in the caller's transaction. A concurrent claim of the same key waits on the
     * unique index until this transaction ends: it then sees the stored response, or claims the key
     * itself if this transaction rolled back.
     */
    boolean claim(String principal, IdempotencyKey key, byte[] requestHash, Instant now) {
        return jdbc.sql("""
                INSERT INTO idempotency_keys (principal, key, request_hash, created_at)
                VALUES (:principal, :key, :hash, :now) ON CONFLICT DO NOTHING""")
                .param("principal", principal)
                .param("key", key.value())
                .param("hash", requestHash)
                .param("now", Timestamp.from(now))
                .update() == 1;
    }

    void complete(String principal, IdempotencyKey key, StoredResponse response) {
        jdbc.sql("""
                UPDATE idempotency_keys SET status_code = :status, content_type = :contentType, location = :location,
                       response_body = :body
                 WHERE principal = :principal AND key = :key""")
                .param("status", response.status())
                .param("contentType", response.contentType())
                .param("location", response.location())
                .param("body", vault.sealReplay(response.body()))
                .param("principal", principal)
                .param("key", key.value())
                .update();
    }

    Optional<StoredResponse> find(String principal, IdempotencyKey key) {
        return jdbc.sql("""
                SELECT request_hash, status_code, content_type, location, response_body
                  FROM idempotency_keys WHERE principal = :principal AND key = :key""")
                .param("principal", principal)
                .param("key", key.value())
                .query((rs, n) -> new StoredResponse(rs.getBytes("request_hash"), rs.getInt("status_code"),
                        rs.getString("content_type"), rs.getString("location"), vault.openReplay(rs.getBytes("response_body"))))
                .optional();
    }

    int deleteOlderThan(Instant cutoff) {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .param("cutoff", Timestamp.from(cutoff))
                .update();
    }

    record StoredResponse(byte[] requestHash, int status, String contentType, String location, byte[] body) {
    }
}
