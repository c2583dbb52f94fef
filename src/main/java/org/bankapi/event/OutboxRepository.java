package org.bankapi.event;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.bankapi.db.SqlArrays;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the outbox: append in the money transaction, claim and mark by the relay, backlog, clean-up. */
@Repository
class OutboxRepository {

    /** The advisory lock that makes one relay at a time the publisher (see docs/events.md). */
    static final long RELAY_LOCK_KEY = 0x6f7574626f78L;

    private final JdbcClient jdbc;

    OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends the events in one statement, in list order (the relay publishes in id order). */
    void append(List<NewEvent> events, Instant createdAt) {
        if (events.isEmpty()) {
            return;
        }
        int inserted = jdbc.sql("""
                INSERT INTO outbox_events (event_id, message_key, payload, created_at)
                SELECT v.event_id, v.message_key, v.payload, :createdAt
                  FROM unnest(:eventIds, :keys, :payloads) WITH ORDINALITY AS v(event_id, message_key, payload, ord)
                 ORDER BY v.ord""")
                .param(
                        "eventIds",
                        SqlArrays.uuids(events.stream().map(NewEvent::eventId).toArray(UUID[]::new)))
                .param(
                        "keys",
                        SqlArrays.texts(events.stream().map(NewEvent::key).toArray(String[]::new)))
                .param(
                        "payloads",
                        SqlArrays.texts(events.stream().map(NewEvent::payload).toArray(String[]::new)))
                .param("createdAt", Timestamp.from(createdAt))
                .update();
        if (inserted != events.size()) {
            throw new IllegalStateException("appended " + inserted + " of " + events.size() + " outbox events");
        }
    }

    /** Takes the relay lease for the current database transaction; false when another relay holds it. */
    boolean tryRelayLease() {
        return Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", RELAY_LOCK_KEY)
                .query(Boolean.class)
                .single());
    }

    /**
     * The oldest pending rows in id order, locked until the current transaction ends. No SKIP LOCKED:
     * under the lease nobody else locks them, and skipping a row would publish later rows before it.
     */
    List<OutboxRow> lockPending(int limit) {
        return jdbc.sql("""
                SELECT id, event_id, message_key, payload, created_at FROM outbox_events
                 WHERE published_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE""")
                .param("limit", limit)
                .query((rs, row) -> new OutboxRow(
                        rs.getLong("id"),
                        rs.getObject("event_id", UUID.class),
                        rs.getString("message_key"),
                        rs.getString("payload"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    int markPublished(long[] ids, Instant now) {
        if (ids.length == 0) {
            return 0;
        }
        int updated = jdbc.sql(
                        "UPDATE outbox_events SET published_at = :now WHERE id = ANY(:ids) AND published_at IS NULL")
                .param("now", Timestamp.from(now))
                .param("ids", SqlArrays.bigints(ids))
                .update();
        if (updated != ids.length) {
            throw new IllegalStateException(
                    "marked " + updated + " of " + ids.length + " locked outbox rows published");
        }
        return updated;
    }

    /**
     * Marks those of {@code ids} that are still pending published (a relay taking over: they are on
     * the topic already); returns how many it marked.
     */
    int markPublishedIfPending(long[] ids, Instant now) {
        if (ids.length == 0) {
            return 0;
        }
        return jdbc.sql("UPDATE outbox_events SET published_at = :now WHERE id = ANY(:ids) AND published_at IS NULL")
                .param("now", Timestamp.from(now))
                .param("ids", SqlArrays.bigints(ids))
                .update();
    }

    Backlog backlog() {
        return jdbc.sql(
                        "SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox_events WHERE published_at IS NULL")
                .query((rs, row) -> {
                    Timestamp oldest = rs.getTimestamp("oldest");
                    return new Backlog(rs.getLong("pending"), oldest == null ? null : oldest.toInstant());
                })
                .single();
    }

    /** Removes at most {@code limit} rows published before {@code cutoff}; returns how many. */
    int deletePublishedBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                DELETE FROM outbox_events WHERE id IN (
                  SELECT id FROM outbox_events WHERE published_at < :cutoff ORDER BY published_at LIMIT :limit)""")
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update();
    }

    /** An event to append: its id, its Kafka key and its JSON. */
    record NewEvent(UUID eventId, String key, String payload) {}

    record OutboxRow(long id, UUID eventId, String key, String payload, Instant createdAt) {}

    record Backlog(long pending, Instant oldest) {}
}
