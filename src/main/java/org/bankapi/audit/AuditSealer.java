package org.bankapi.audit;

import static org.bankapi.db.SqlArrays.bigints;
import static org.bankapi.db.SqlArrays.byteas;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chains committed audit rows into audit_seals after their commit, one instance at a time, so that no
 * request waits for another's hash. Order, gaps and late rows: docs/security.md, "The chain".
 */
@Component
public class AuditSealer {

    private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
    static final long ADVISORY_LOCK_KEY = 0x6261_6e6b_6175_6469L; // "bankaudi"
    static final int BATCH_SIZE_MAX = 1000;
    static final long STRAGGLER_WINDOW_IDS = 1_000;
    static final long WIDE_WINDOW_IDS = 100_000;
    static final int WIDE_SCAN_EVERY = 40;
    static final int FULL_SCAN_EVERY = 1_200;

    private final JdbcClient jdbc;
    private final TransactionTemplate inTransaction;
    private final Clock clock;
    private final AuditForwarder forwarder;
    private int rounds;

    public AuditSealer(JdbcClient jdbc, TransactionTemplate inTransaction, Clock clock, AuditForwarder forwarder) {
        this.jdbc = jdbc;
        this.inTransaction = inTransaction;
        this.clock = clock;
        this.forwarder = forwarder;
    }

    @Scheduled(fixedDelayString = "#{@auditSettings.sealInterval()}", initialDelay = 1000)
    void scheduled() {
        try {
            sealAll();
        } catch (RuntimeException e) {
            log.warn(
                    "Audit sealing failed, retrying next round: {}",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Seals every committed unsealed row; returns how many it sealed (0 when another instance holds
     * the lock). Each sealed batch's newest seal is forwarded (to Sentinel) as an external anchor.
     */
    public synchronized int sealAll() {
        int round = rounds++;
        long window = round % FULL_SCAN_EVERY == 0
                ? Long.MAX_VALUE
                : round % WIDE_SCAN_EVERY == 0 ? WIDE_WINDOW_IDS : STRAGGLER_WINDOW_IDS;
        int total = 0;
        while (true) {
            Tip sealed = inTransaction.execute(tx -> sealBatch(window));
            if (sealed == null || sealed.count() <= 0) {
                return total;
            }
            total += sealed.count();
            // the chain's newest hash leaves the database, so a rewrite of the whole chain shows against this copy
            forwarder.forward(Map.of(
                    "TimeGenerated",
                    clock.instant().toString(),
                    "EventType",
                    "audit_seal",
                    "Action",
                    "audit.sealed",
                    "Resource",
                    "/audit/seals/" + sealed.seq(),
                    "Outcome",
                    "succeeded",
                    "Details",
                    Map.of(
                            "seal_seq",
                            sealed.seq(),
                            "entry_id",
                            sealed.entryId(),
                            "hash",
                            HexFormat.of().formatHex(sealed.hash()))));
        }
    }

    private record Tip(long seq, byte[] hash, long entryId, int count) {}

    /** The chain's tip and the highest entry id sealed so far (not the tip's when the tip sealed a straggler). */
    private record Head(Tip tip, long newestSealedId) {}

    /** Seals up to {@link #BATCH_SIZE_MAX} rows: unsealed ones within {@code windowIds} below the newest sealed id, then newer ones. */
    private Tip sealBatch(long windowIds) {
        Boolean locked = jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", ADVISORY_LOCK_KEY)
                .query(Boolean.class)
                .single();
        if (!Boolean.TRUE.equals(locked)) {
            return null;
        }
        Head head = jdbc.sql("""
                SELECT seal_seq, hash, entry_id, (SELECT max(entry_id) FROM audit_seals) AS newest
                  FROM audit_seals ORDER BY seal_seq DESC LIMIT 1""")
                .query((rs, n) -> new Head(new Tip(rs.getLong(1), rs.getBytes(2), rs.getLong(3), 0), rs.getLong(4)))
                .optional()
                .orElse(new Head(new Tip(0, AuditChain.GENESIS, 0, 0), 0));
        Tip tip = head.tip();
        long newest = head.newestSealedId();
        long from = Math.max(0, newest - Math.min(windowIds, newest));
        // stragglers: committed after a higher id was sealed. One index probe per id of the window: a
        // NOT EXISTS let the cached generic plan hash the whole of audit_seals (44 ms a round, measured)
        List<AuditChain.Entry> entries = new ArrayList<>(jdbc.sql("""
                SELECT a.* FROM audit_log a
                  LEFT JOIN LATERAL (SELECT true AS sealed FROM audit_seals s WHERE s.entry_id = a.id LIMIT 1) s ON true
                 WHERE a.id > :from AND a.id < :newest AND s.sealed IS NULL
                 ORDER BY a.id LIMIT :max""")
                .param("from", from)
                .param("newest", newest)
                .param("max", BATCH_SIZE_MAX)
                .query((rs, n) -> AuditChain.read(rs))
                .list());
        entries.addAll(jdbc.sql("SELECT a.* FROM audit_log a WHERE a.id > :newest ORDER BY a.id LIMIT :max")
                .param("newest", newest)
                .param("max", BATCH_SIZE_MAX - entries.size())
                .query((rs, n) -> AuditChain.read(rs))
                .list());
        if (entries.isEmpty()) {
            return new Tip(tip.seq(), tip.hash(), tip.entryId(), 0);
        }
        long[] seqs = new long[entries.size()];
        long[] entryIds = new long[entries.size()];
        byte[][] previous = new byte[entries.size()][];
        byte[][] hashes = new byte[entries.size()][];
        byte[] last = tip.hash();
        for (int i = 0; i < entries.size(); i++) {
            AuditChain.Entry entry = entries.get(i);
            seqs[i] = tip.seq() + 1 + i;
            entryIds[i] = entry.id();
            previous[i] = last;
            hashes[i] = AuditChain.hash(last, entry);
            last = hashes[i];
        }
        int inserted = jdbc.sql("""
                INSERT INTO audit_seals (seal_seq, entry_id, prev_hash, hash, sealed_at)
                SELECT v.seq, v.entry_id, v.prev_hash, v.hash, :now
                  FROM unnest(:seqs, :entryIds, :previous, :hashes) AS v(seq, entry_id, prev_hash, hash)""")
                .param("seqs", bigints(seqs))
                .param("entryIds", bigints(entryIds))
                .param("previous", byteas(previous))
                .param("hashes", byteas(hashes))
                .param("now", Timestamp.from(clock.instant()))
                .update();
        if (inserted != entries.size()) {
            throw new IllegalStateException("sealed " + inserted + " of " + entries.size() + " audit rows");
        }
        return new Tip(seqs[seqs.length - 1], last, entryIds[entryIds.length - 1], entries.size());
    }
}
