package org.bankapi.audit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Recomputes the chain from the first seal: every seal must follow the previous one without a gap,
 * carry the previous hash, and match its entry's recomputed hash. Pending rows are sealed first.
 */
@Service
public class AuditVerifier {

    private final JdbcClient jdbc;
    private final AuditSealer sealer;

    AuditVerifier(JdbcClient jdbc, AuditSealer sealer) {
        this.jdbc = jdbc;
        this.sealer = sealer;
    }

    public Map<String, Object> verify() {
        sealer.sealEverything();
        long[] checked = {0};
        byte[][] previous = {AuditChain.GENESIS};
        Map<String, Object> failure = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT s.seal_seq, s.entry_id, s.prev_hash, s.hash, a.id, a.occurred_at, a.request_id, a.principal,
                       a.action, a.resource, a.outcome, a.code, a.details
                  FROM audit_seals s LEFT JOIN audit_log a ON a.id = s.entry_id
                 ORDER BY s.seal_seq""").query(rs -> {
            if (!failure.isEmpty()) {
                return;
            }
            long seq = rs.getLong("seal_seq");
            long entryId = rs.getLong("entry_id");
            if (seq != checked[0] + 1) {
                fail(failure, entryId, "seal " + (checked[0] + 1) + " is missing");
            } else if (rs.getObject("id") == null) {
                fail(failure, entryId, "the sealed entry is missing");
            } else if (!Arrays.equals(rs.getBytes("prev_hash"), previous[0])) {
                fail(failure, entryId, "the previous hash does not match");
            } else {
                byte[] hash = AuditChain.hash(previous[0], AuditChain.read(rs));
                if (!Arrays.equals(hash, rs.getBytes("hash"))) {
                    fail(failure, entryId, "the entry does not match its hash");
                } else {
                    previous[0] = hash;
                    checked[0] = seq;
                }
            }
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("valid", failure.isEmpty());
        result.put("entries", checked[0]);
        result.putAll(failure);
        // rows committed while this ran, sealed in the next round
        result.put("pending", jdbc.sql("""
                SELECT count(*) FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = a.id)""").query(Long.class).single());
        return result;
    }

    private static void fail(Map<String, Object> failure, long entryId, String reason) {
        failure.put("first_bad_entry", entryId);
        failure.put("reason", reason);
    }
}
