package org.bankapi.idempotency;

import static org.bankapi.db.SqlArrays.byteas;
import static org.bankapi.db.SqlArrays.ints;
import static org.bankapi.db.SqlArrays.texts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.KeyClaims;
import org.bankapi.ledger.StoredReply;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of idempotency_keys: a batch's keys are claimed, completed and released with one statement each. */
@Repository
class IdempotencyRepository implements KeyClaims {

    /** The keys of a statement that names only them: {@code v(principal, key)}. */
    private static final String KEYS = "unnest(:principals, :keys) AS v(principal, key)";

    private static final String LOOK_UP =
            "SELECT k.principal, k.key, k.request_hash, k.status_code, k.content_type, k.location, k.response_body"
                    + " FROM " + rowsOfKeys(KEYS);

    private static final String DELETE = "DELETE FROM idempotency_keys AS d USING (SELECT k.row_id FROM "
            + rowsOfKeys(KEYS) + ") AS f WHERE d.ctid = f.row_id";

    private static final String COMPLETE =
            "UPDATE idempotency_keys AS d SET status_code = f.status, content_type = f.content_type,"
                    + " location = f.location, response_body = f.body"
                    + " FROM (SELECT k.row_id, v.status, v.content_type, v.location, v.body FROM "
                    + rowsOfKeys("unnest(:principals, :keys, :statuses, :contentTypes, :locations, :bodies)"
                            + " AS v(principal, key, status, content_type, location, body)")
                    + ") AS f WHERE d.ctid = f.row_id";

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;

    /**
     * The stored row of each key of {@code keys} (a FROM item naming {@code v.principal} and {@code v.key}),
     * as {@code k} with its {@code row_id} (ctid): one primary-key probe per key, whatever the table's
     * statistics. A join on {@code = ANY} of both columns let PostgreSQL cache, for a table never analyzed,
     * a generic plan that read every key of the principal on each call (docs/performance.md, "The
     * idempotency look-up's plan"); OFFSET 0 keeps the probe a subquery of its own.
     */
    private static String rowsOfKeys(String keys) {
        return keys + " CROSS JOIN LATERAL (SELECT i.ctid AS row_id, i.* FROM idempotency_keys AS i"
                + " WHERE i.principal = v.principal AND i.key = v.key OFFSET 0) AS k";
    }

    IdempotencyRepository(JdbcClient jdbc, PersonalDataVault vault) {
        this.jdbc = jdbc;
        this.vault = vault;
    }

    /**
     * Claims the keys in the caller's transaction, sorted, so concurrent batches take key locks in one
     * order. A concurrent claim of the same key waits on the unique index until that transaction ends:
     * it then sees the stored response, or claims the key itself if that transaction rolled back.
     */
    @Override
    public Map<IdempotencyClaim.Id, StoredReply> claim(List<IdempotencyClaim> claims, Instant now) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        Set<IdempotencyClaim.Id> won = new HashSet<>();
        jdbc.sql("""
                INSERT INTO idempotency_keys (principal, key, request_hash, created_at)
                SELECT v.principal, v.key, v.hash, :now FROM unnest(:principals, :keys, :hashes) AS v(principal, key, hash)
                 ORDER BY v.principal, v.key
                ON CONFLICT DO NOTHING
                RETURNING principal, key""")
                .param(
                        "principals",
                        texts(claims.stream().map(IdempotencyClaim::principal).toArray(String[]::new)))
                .param("keys", texts(claims.stream().map(IdempotencyClaim::key).toArray(String[]::new)))
                .param(
                        "hashes",
                        byteas(claims.stream()
                                .map(IdempotencyClaim::requestHash)
                                .toArray(byte[][]::new)))
                .param("now", Timestamp.from(now))
                .query((rs, n) -> won.add(new IdempotencyClaim.Id(rs.getString(1), rs.getString(2))))
                .list();
        List<IdempotencyClaim> taken =
                claims.stream().filter(c -> !won.contains(c.id())).toList();
        if (taken.isEmpty()) {
            return Map.of();
        }
        Map<IdempotencyClaim.Id, StoredReply> stored = lookUp(taken);
        if (stored.size() != taken.size()) {
            // a key that is neither claimable nor stored was removed between the two statements (retention): retry
            throw new TransientDataAccessResourceException("an idempotency key vanished while it was claimed");
        }
        return stored;
    }

    @Override
    public Map<IdempotencyClaim.Id, StoredReply> lookUp(List<IdempotencyClaim> claims) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        Map<IdempotencyClaim.Id, StoredReply> stored = new HashMap<>();
        jdbc.sql(LOOK_UP)
                .param(
                        "principals",
                        texts(claims.stream().map(IdempotencyClaim::principal).toArray(String[]::new)))
                .param("keys", texts(claims.stream().map(IdempotencyClaim::key).toArray(String[]::new)))
                .query((rs, n) -> stored.put(
                        new IdempotencyClaim.Id(rs.getString("principal"), rs.getString("key")),
                        new StoredReply(
                                rs.getBytes("request_hash"),
                                rs.getInt("status_code"),
                                rs.getString("content_type"),
                                rs.getString("location"),
                                vault.openReplay(rs.getBytes("response_body")))))
                .list();
        return stored;
    }

    @Override
    public void store(List<Completed> booked, List<IdempotencyClaim> refused, Instant now) {
        if (booked.isEmpty() && refused.isEmpty()) {
            return;
        }
        List<Completed> completed = new ArrayList<>(booked);
        // a refused request's key is inserted only to wait for, or meet, another holder, then removed
        refused.forEach(claim -> completed.add(new Completed(claim, 0, null, null, null)));
        int inserted =
                withReplies("""
                INSERT INTO idempotency_keys (principal, key, request_hash, created_at, status_code, content_type,
                                              location, response_body)
                SELECT v.principal, v.key, v.hash, :now, v.status, v.content_type, v.location, v.body
                  FROM unnest(:principals, :keys, :hashes, :statuses, :contentTypes, :locations, :bodies)
                       AS v(principal, key, hash, status, content_type, location, body)
                 ORDER BY v.principal, v.key
                ON CONFLICT DO NOTHING""", completed).param("now", Timestamp.from(now)).update();
        if (inserted != completed.size()) {
            throw new KeyClaims.KeyTaken(completed.size() - inserted);
        }
        if (!refused.isEmpty()) {
            jdbc.sql(DELETE)
                    .param(
                            "principals",
                            texts(refused.stream()
                                    .map(IdempotencyClaim::principal)
                                    .toArray(String[]::new)))
                    .param(
                            "keys",
                            texts(refused.stream().map(IdempotencyClaim::key).toArray(String[]::new)))
                    .update();
        }
    }

    @Override
    public void complete(List<Completed> completed) {
        if (completed.isEmpty()) {
            return;
        }
        int updated = withReplies(COMPLETE, completed).update();
        if (updated != completed.size()) {
            throw new IllegalStateException("stored " + updated + " of " + completed.size() + " idempotent responses");
        }
    }

    /** The statement with the replies bound as arrays, in their order (a statement uses those it names). */
    private JdbcClient.StatementSpec withReplies(String sql, List<Completed> completed) {
        return jdbc.sql(sql)
                .param(
                        "principals",
                        texts(completed.stream().map(c -> c.claim().principal()).toArray(String[]::new)))
                .param(
                        "keys",
                        texts(completed.stream().map(c -> c.claim().key()).toArray(String[]::new)))
                .param(
                        "hashes",
                        byteas(completed.stream()
                                .map(c -> c.claim().requestHash())
                                .toArray(byte[][]::new)))
                .param(
                        "statuses",
                        ints(completed.stream().map(Completed::status).toArray(Integer[]::new)))
                .param(
                        "contentTypes",
                        texts(completed.stream().map(Completed::contentType).toArray(String[]::new)))
                .param(
                        "locations",
                        texts(completed.stream().map(Completed::location).toArray(String[]::new)))
                .param(
                        "bodies",
                        byteas(completed.stream()
                                .map(c -> vault.sealReplay(c.body()))
                                .toArray(byte[][]::new)));
    }

    void deleteAt(String location) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE location = :location")
                .param("location", location)
                .update();
    }

    int deleteOlderThan(Instant cutoff) {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .param("cutoff", Timestamp.from(cutoff))
                .update();
    }
}
