package org.bankapi.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The single chainer: shortly after commit, seals committed audit rows in order into audit_seals.
 * One instance at a time holds a PostgreSQL advisory lock, so instances never fork the chain.
 * Rows become visible in commit order, not id order (a request that took id 10 may commit after
 * id 11): the sealer seals whatever is committed and unsealed, oldest id first, so a late row is
 * sealed in the next round instead of being skipped. Usually it looks only at the recent ids; every
 * {@value #FULL_SCAN_EVERY} rounds it scans the whole log for stragglers.
 */
@Component
public class AuditSealer {

    private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
    static final long ADVISORY_LOCK_KEY = 0x6261_6e6b_6175_6469L; // "bankaudi"
    static final int BATCH_SIZE_MAX = 1000;
    static final long RECENT_IDS_WINDOW = 100_000;
    static final int FULL_SCAN_EVERY = 300;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final AuditForwarder forwarder;
    private int rounds;

    public AuditSealer(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, AuditForwarder forwarder) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.forwarder = forwarder;
    }

    @Scheduled(fixedDelayString = "${bank.audit.seal-interval-ms:250}", initialDelay = 1000)
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
        boolean fullScan = rounds++ % FULL_SCAN_EVERY == 0;
        int total = 0;
        while (true) {
            Tip sealed = transactions.execute(tx -> sealBatch(fullScan));
            if (sealed == null || sealed.count() <= 0) {
                return total;
            }
            total += sealed.count();
            // the chain's newest hash leaves the database, so a rewrite of the whole chain shows against this copy
            forwarder.forward(java.util.Map.of(
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
                    java.util.Map.of(
                            "seal_seq",
                            sealed.seq(),
                            "entry_id",
                            sealed.entryId(),
                            "hash",
                            java.util.HexFormat.of().formatHex(sealed.hash()))));
        }
    }

    private record Tip(long seq, byte[] hash, long entryId, int count) {}

    private Tip sealBatch(boolean fullScan) {
        Boolean locked = jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", ADVISORY_LOCK_KEY)
                .query(Boolean.class)
                .single();
        if (!Boolean.TRUE.equals(locked)) {
            return null;
        }
        Tip tip = jdbc.sql("SELECT seal_seq, hash, entry_id FROM audit_seals ORDER BY seal_seq DESC LIMIT 1")
                .query((rs, n) -> new Tip(rs.getLong(1), rs.getBytes(2), rs.getLong(3), 0))
                .optional()
                .orElse(new Tip(0, AuditChain.GENESIS, 0, 0));
        long from = fullScan ? 0 : Math.max(0, tip.entryId() - RECENT_IDS_WINDOW);
        List<AuditChain.Entry> entries = jdbc.sql("""
                SELECT a.* FROM audit_log a
                 WHERE a.id > :from AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = a.id)
                 ORDER BY a.id LIMIT :max""")
                .param("from", from)
                .param("max", BATCH_SIZE_MAX)
                .query((rs, n) -> AuditChain.read(rs))
                .list();
        long seq = tip.seq();
        byte[] previous = tip.hash();
        Timestamp now = Timestamp.from(clock.instant());
        for (AuditChain.Entry entry : entries) {
            byte[] hash = AuditChain.hash(previous, entry);
            seq++;
            jdbc.sql(
                            "INSERT INTO audit_seals (seal_seq, entry_id, prev_hash, hash, sealed_at) VALUES (:seq, :entry, :prev, :hash, :now)")
                    .param("seq", seq)
                    .param("entry", entry.id())
                    .param("prev", previous)
                    .param("hash", hash)
                    .param("now", now)
                    .update();
            previous = hash;
        }
        return new Tip(
                seq,
                previous,
                entries.isEmpty() ? tip.entryId() : entries.getLast().id(),
                entries.size());
    }
}
