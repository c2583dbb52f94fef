package org.bankapi.audit;

import static org.bankapi.db.SqlArrays.bigints;
import static org.bankapi.db.SqlArrays.byteas;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    /** a minute at the default interval: the remembered gaps find this sealer's own late rows at once */
    static final int WIDE_SCAN_EVERY = 240;
    /** an hour at the default interval, and the first round */
    static final int FULL_SCAN_EVERY = 14_400;

    static final int GAPS_MAX = 10_000;
    /** as long as the wide window's period: a row later than that is the wide window's to find */
    static final Duration GAP_AGE_MAX = Duration.ofMinutes(1);
    /** a round under load ends after this many full batches, so that the next one searches afresh */
    static final int ROUND_BATCHES_MAX = 10;

    private final JdbcClient jdbc;
    private final TransactionTemplate inTransaction;
    private final Clock clock;
    private final AuditForwarder forwarder;
    private final AuditGaps gaps = new AuditGaps(GAPS_MAX, GAP_AGE_MAX);
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
     * Seals every committed unsealed row it can find in one round: the newer rows, the late rows at the
     * ids it stepped over before, and those of a window below the newest sealed id (the last 1,000
     * ids; 100,000 every {@link #WIDE_SCAN_EVERY}th round; the whole log every {@link
     * #FULL_SCAN_EVERY}th). Returns how many it sealed (0 when another instance holds the lock). Each
     * sealed batch's newest seal is forwarded (to Sentinel) as an external anchor.
     */
    public synchronized int sealAll() {
        int round = rounds++;
        return seal(
                round % FULL_SCAN_EVERY == 0
                        ? Long.MAX_VALUE
                        : round % WIDE_SCAN_EVERY == 0 ? WIDE_WINDOW_IDS : STRAGGLER_WINDOW_IDS,
                ROUND_BATCHES_MAX);
    }

    /** As {@link #sealAll}, looking for late rows in the whole log and until none is left: what verification needs. */
    public synchronized int sealEverything() {
        return seal(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    private int seal(long windowIds, int batchesMax) {
        Round round = new Round(windowIds);
        int total = 0;
        for (int batches = 1; ; batches++) {
            Sealed sealed = inTransaction.execute(tx -> sealBatch(round));
            if (sealed == null) {
                return total;
            }
            // what the committed batch tells about the gaps (a rolled-back batch must not close any)
            sealed.closedIds().forEach(gaps::closed);
            gaps.steppedOver(sealed.newestBefore(), sealed.newIds(), clock.instant());
            Tip tip = sealed.tip();
            if (tip.count() <= 0) {
                return total;
            }
            total += tip.count();
            // the chain's newest hash leaves the database, so a rewrite of the whole chain shows against this copy
            forwarder.forward(Map.of(
                    "TimeGenerated",
                    clock.instant().toString(),
                    "EventType",
                    "audit_seal",
                    "Action",
                    "audit.sealed",
                    "Resource",
                    "/audit/seals/" + tip.seq(),
                    "Outcome",
                    "succeeded",
                    "Details",
                    Map.of(
                            "seal_seq",
                            tip.seq(),
                            "entry_id",
                            tip.entryId(),
                            "hash",
                            HexFormat.of().formatHex(tip.hash()))));
            // caught up (a batch with room left found every late row it looked for), or long enough
            if (tip.count() < BATCH_SIZE_MAX || batches >= batchesMax) {
                return total;
            }
        }
    }

    private record Tip(long seq, byte[] hash, long entryId, int count) {}

    /** The chain's tip and the highest entry id sealed so far (not the tip's when the tip sealed a straggler). */
    private record Head(Tip tip, long newestSealedId) {}

    /**
     * One batch's outcome: its tip, the late rows it found sealed or sealed itself, and the new rows it
     * sealed above {@code newestBefore} (whose missing ids are gaps).
     */
    private record Sealed(Tip tip, List<Long> closedIds, long newestBefore, long[] newIds) {}

    /**
     * Where one round's search for late rows stands across its batches: the remembered gaps are probed
     * until a probe finds no more than a batch takes, and the window is walked from its low end.
     */
    private static final class Round {
        private final long windowIds;
        private boolean gapsPending = true;
        private long windowFrom = -1;
        private boolean windowDone;

        Round(long windowIds) {
            this.windowIds = windowIds;
        }
    }

    /** Seals up to {@link #BATCH_SIZE_MAX} rows: late ones first (gaps, then the window), then newer ones. */
    private Sealed sealBatch(Round round) {
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
        TreeMap<Long, AuditChain.Entry> late = new TreeMap<>();
        List<Long> closed = new ArrayList<>();
        if (round.gapsPending) {
            round.gapsPending = probeGaps(late, closed);
        }
        if (!round.windowDone && late.size() < BATCH_SIZE_MAX) {
            long from =
                    round.windowFrom >= 0 ? round.windowFrom : Math.max(0, newest - Math.min(round.windowIds, newest));
            int limit = BATCH_SIZE_MAX - late.size();
            // one index probe per id of the window: a NOT EXISTS let the cached generic plan hash the
            // whole of audit_seals (44 ms a round, measured)
            List<AuditChain.Entry> window = jdbc.sql("""
                    SELECT a.* FROM audit_log a
                      LEFT JOIN LATERAL (SELECT true AS sealed FROM audit_seals s WHERE s.entry_id = a.id LIMIT 1) s ON true
                     WHERE a.id > :from AND a.id < :newest AND s.sealed IS NULL
                     ORDER BY a.id LIMIT :max""")
                    .param("from", from)
                    .param("newest", newest)
                    .param("max", limit)
                    .query((rs, n) -> AuditChain.read(rs))
                    .list();
            window.forEach(e -> late.putIfAbsent(e.id(), e));
            round.windowDone = window.size() < limit;
            round.windowFrom = window.isEmpty() ? from : window.getLast().id();
        }
        closed.addAll(late.keySet());
        List<AuditChain.Entry> entries = new ArrayList<>(late.values());
        List<AuditChain.Entry> newer = jdbc.sql(
                        "SELECT a.* FROM audit_log a WHERE a.id > :newest ORDER BY a.id LIMIT :max")
                .param("newest", newest)
                .param("max", BATCH_SIZE_MAX - entries.size())
                .query((rs, n) -> AuditChain.read(rs))
                .list();
        entries.addAll(newer);
        long[] newIds = newer.stream().mapToLong(AuditChain.Entry::id).toArray();
        if (entries.isEmpty()) {
            return new Sealed(tip, closed, newest, newIds);
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
        return new Sealed(
                new Tip(seqs[seqs.length - 1], last, entryIds[entryIds.length - 1], entries.size()),
                closed,
                newest,
                newIds);
    }

    /**
     * Reads the committed rows at the remembered gaps: those sealed already (by another instance) are
     * closed, unsealed ones are taken into {@code late} up to a batch; returns whether some were left.
     */
    private boolean probeGaps(TreeMap<Long, AuditChain.Entry> late, List<Long> closed) {
        long[] open = gaps.open(clock.instant());
        if (open.length == 0) {
            return false;
        }
        boolean[] left = {false};
        jdbc.sql("""
                SELECT a.*, EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = a.id) AS sealed
                  FROM audit_log a WHERE a.id = ANY(:ids) ORDER BY a.id""").param("ids", bigints(open)).query(rs -> {
            if (rs.getBoolean("sealed")) {
                closed.add(rs.getLong("id"));
            } else if (late.size() < BATCH_SIZE_MAX) {
                AuditChain.Entry entry = AuditChain.read(rs);
                late.put(entry.id(), entry);
            } else {
                left[0] = true;
            }
        });
        return left[0];
    }
}
