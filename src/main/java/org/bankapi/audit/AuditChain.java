package org.bankapi.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bankapi.crypto.Sha256;

/**
 * The hash of one link: SHA-256 over the previous hash and the entry's every column, each field
 * length-prefixed so that no two different entries encode alike. The first link's previous hash is 32 zero bytes.
 */
final class AuditChain {

    static final byte[] GENESIS = new byte[32];

    private AuditChain() {}

    record Entry(
            long id,
            Instant occurredAt,
            String requestId,
            String principal,
            String action,
            String resource,
            String outcome,
            String code,
            String details) {}

    static byte[] hash(byte[] previous, Entry e) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(previous);
        sha.update(ByteBuffer.allocate(16)
                .putLong(e.id())
                .putLong(ChronoUnit.MICROS.between(Instant.EPOCH, e.occurredAt()))
                .array());
        for (String field :
                new String[] {e.requestId(), e.principal(), e.action(), e.resource(), e.outcome(), e.code(), e.details()
                }) {
            if (field == null) {
                sha.update(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha.update(bytes);
            }
        }
        return sha.digest();
    }

    static Entry read(ResultSet rs) throws SQLException {
        return new Entry(
                rs.getLong("id"),
                rs.getTimestamp("occurred_at").toInstant(),
                rs.getString("request_id"),
                rs.getString("principal"),
                rs.getString("action"),
                rs.getString("resource"),
                rs.getString("outcome"),
                rs.getString("code"),
                rs.getString("details"));
    }
}
