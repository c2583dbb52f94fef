package org.bankapi.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.bankapi.crypto.LocalKeyFile;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.KeyClaims.Completed;
import org.bankapi.support.Database;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The key statements probe one key each, however many keys the principal holds, with the generic plans
 * PostgreSQL cached while idempotency_keys was empty and never analyzed (a new database; autovacuum off).
 * Each test counts, inside its own transaction, what PostgreSQL read (pg_stat_xact_*), and rolls back.
 */
class KeyPlansWithoutStatisticsTest {

    private static final String PRINCIPAL = "busy-client";
    private static final int KEYS_HELD = 20_000;
    private static final int BATCH = 8;
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static JdbcClient db;
    private static TransactionTemplate inTransaction;
    private static IdempotencyRepository keys;

    @BeforeAll
    static void plansCachedOnAnEmptyTableThenTwentyThousandKeysOfOnePrincipal() throws Exception {
        String url = Database.createMigrated(
                "key_plans_" + ThreadLocalRandom.current().nextInt(1_000_000), "plan_cache_mode = force_generic_plan");
        // one connection: the plans pgjdbc prepares on it (from the fifth execution) stay cached for every test
        SingleConnectionDataSource data = new SingleConnectionDataSource(url, "postgres", "postgres", true);
        db = JdbcClient.create(data);
        inTransaction = new TransactionTemplate(new DataSourceTransactionManager(data));
        // replies are stored without a body here, so the vault seals nothing
        keys = new IdempotencyRepository(
                db,
                new PersonalDataVault(
                        db, new LocalKeyFile(Files.createTempDirectory("key-plans")), Clock.systemUTC(), null));
        db.sql("ALTER TABLE idempotency_keys SET (autovacuum_enabled = false)").update();
        for (int i = 0; i < 6; i++) {
            int round = i;
            inTransaction.executeWithoutResult(tx -> {
                tx.setRollbackOnly();
                List<IdempotencyClaim> claims = batch("warm-" + round);
                keys.lookUp(claims);
                keys.store(List.of(), claims, NOW);
                keys.claim(claims, NOW);
                keys.complete(completed(claims));
            });
        }
        db.sql("""
                INSERT INTO idempotency_keys (principal, key, request_hash, created_at, status_code)
                SELECT :principal, 'held-' || g, '\\x00', now(), 201 FROM generate_series(1, :n) g""").param("principal", PRINCIPAL).param("n", KEYS_HELD).update();
        assertThat(db.sql("SELECT reltuples FROM pg_class WHERE relname = 'idempotency_keys'")
                        .query(Double.class)
                        .single())
                .as("idempotency_keys was never analyzed")
                .isEqualTo(-1.0);
    }

    private static List<IdempotencyClaim> batch(String prefix) {
        return IntStream.range(0, BATCH)
                .mapToObj(i -> new IdempotencyClaim(
                        PRINCIPAL, prefix + "-" + i, (prefix + i).getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private static List<Completed> completed(List<IdempotencyClaim> claims) {
        return claims.stream()
                .map(c -> new Completed(c, 201, "application/json", "/transactions/1", null))
                .toList();
    }

    /** Index entries and heap rows PostgreSQL read for the key table in this transaction, and its sequential scans. */
    private record Reads(long indexTuples, long heapRowsScanned, long sequentialScans) {
        static Reads now() {
            return db.sql("""
                    SELECT pg_stat_get_xact_tuples_returned('idempotency_keys_pkey'::regclass),
                           seq_tup_read, seq_scan
                      FROM pg_stat_xact_user_tables WHERE relname = 'idempotency_keys'""")
                    .query((rs, n) -> new Reads(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                    .single();
        }

        Reads since(Reads before) {
            return new Reads(
                    indexTuples - before.indexTuples,
                    heapRowsScanned - before.heapRowsScanned,
                    sequentialScans - before.sequentialScans);
        }
    }

    private static Reads readsOf(Runnable statements) {
        return inTransaction.execute(tx -> {
            tx.setRollbackOnly();
            Reads before = Reads.now();
            statements.run();
            return Reads.now().since(before);
        });
    }

    @Test
    void aBatchsLookUpProbesItsOwnKeysNotThePrincipalsTwentyThousand() {
        Reads reads = readsOf(() -> assertThat(keys.lookUp(batch("new"))).isEmpty());
        assertThat(reads.sequentialScans()).isZero();
        assertThat(reads.indexTuples())
                .as("index entries read for %d new keys", BATCH)
                .isLessThanOrEqualTo(BATCH);
    }

    @Test
    void refusedKeysAreRemovedByProbingThemAlone() {
        List<IdempotencyClaim> refused = batch("refused");
        Reads reads = readsOf(() -> {
            keys.store(List.of(), refused, NOW);
            assertThat(keys.lookUp(refused)).isEmpty();
        });
        assertThat(reads.sequentialScans()).isZero();
        assertThat(reads.indexTuples()).isLessThanOrEqualTo(4L * BATCH);
    }

    @Test
    void claimedKeysAreCompletedByProbingThemAlone() {
        List<IdempotencyClaim> claimed = batch("claimed");
        Reads reads = readsOf(() -> {
            assertThat(keys.claim(claimed, NOW)).isEmpty();
            keys.complete(completed(claimed));
        });
        assertThat(reads.sequentialScans()).isZero();
        assertThat(reads.indexTuples()).isLessThanOrEqualTo(3L * BATCH);
    }
}
