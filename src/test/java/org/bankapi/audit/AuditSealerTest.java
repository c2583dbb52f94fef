package org.bankapi.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.bankapi.support.ApiTest;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The sealer chains rows in the order they become visible, so a row that commits late is still sealed. */
class AuditSealerTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditSealer sealer;

    @Test
    void sealsARowThatCommitsAfterAHigherIdWasSealed() throws Exception {
        try (Connection late = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
            late.setAutoCommit(false);
            long lateId = insert(late, "late-" + UUID.randomUUID());
            long earlyId;
            try (Connection early = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
                earlyId = insert(early, "early-" + UUID.randomUUID());
            }
            assertThat(earlyId).isGreaterThan(lateId);

            sealUntilSealed(earlyId);
            assertThat(sealOf(lateId)).isEmpty();

            late.commit();
            long lateSeal = sealUntilSealed(lateId);
            assertThat(lateSeal).isGreaterThan(sealOf(earlyId).orElseThrow());
        }
        assertThat(api().as(api().adminToken())
                        .get("/audit/verify")
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void sealsALateRowFarBelowTheNewestSealInTheNextRound() throws Exception {
        try (Connection late = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
            late.setAutoCommit(false);
            long lateId = insert(late, "far-late-" + UUID.randomUUID());
            long newestId = 0;
            try (Connection later = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
                later.setAutoCommit(false);
                String principal = "far-later-" + UUID.randomUUID();
                for (long i = 0; i < AuditSealer.STRAGGLER_WINDOW_IDS + 500; i++) {
                    newestId = insert(later, principal);
                }
                later.commit();
            }
            sealUntilSealed(newestId);
            assertThat(sealOf(lateId)).isEmpty();

            late.commit();
            // beyond the window of an ordinary round: found where the sealer stepped over it
            assertThat(newestId - lateId).isGreaterThan(AuditSealer.STRAGGLER_WINDOW_IDS);
            sealer.sealAll();
            assertThat(sealOf(lateId)).isPresent();
        }
    }

    @Test
    void sealsAManyRowBacklogInOrderWithoutGaps() throws Exception {
        long first;
        try (Connection connection =
                EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
            connection.setAutoCommit(false);
            String principal = "backlog-" + UUID.randomUUID();
            first = insert(connection, principal);
            for (int i = 1; i < AuditSealer.BATCH_SIZE_MAX + 500; i++) {
                insert(connection, principal);
            }
            connection.commit();
        }
        long last = first + AuditSealer.BATCH_SIZE_MAX + 499;
        sealUntilSealed(last);
        Long gaps = jdbc.sql("SELECT max(seal_seq) - min(seal_seq) + 1 - count(*) FROM audit_seals")
                .query(Long.class)
                .single();
        assertThat(gaps).isZero();
        assertThat(sealOf(first)).isPresent();
    }

    private static long insert(Connection connection, String principal) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_log (occurred_at, principal, action, outcome) VALUES (now(), ?, 'test.sealing', 'succeeded') RETURNING id")) {
            insert.setString(1, principal);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Optional<Long> sealOf(long entryId) {
        return jdbc.sql("SELECT seal_seq FROM audit_seals WHERE entry_id = :id")
                .param("id", entryId)
                .query(Long.class)
                .optional();
    }

    /** Seals (the scheduled sealer may be the one that does it) until the entry has its seal. */
    private long sealUntilSealed(long entryId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            sealer.sealAll();
            Optional<Long> seal = sealOf(entryId);
            if (seal.isPresent()) {
                return seal.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("audit row " + entryId + " was not sealed within 20 s");
    }
}
