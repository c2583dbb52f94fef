-- Transactional outbox: one row per booked transaction, written in the same database transaction
-- as the money movement and relayed to Kafka afterwards (see docs/events.md).
CREATE TABLE outbox_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     UUID        NOT NULL UNIQUE,
    message_key  TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
-- the relay's scan (pending rows in id order), the backlog gauge and the retention clean-up
CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE published_at IS NULL;
CREATE INDEX outbox_events_published_at_idx ON outbox_events (published_at) WHERE published_at IS NOT NULL;

-- Alerts of the fraud consumer: at most one per transaction and rule, so a redelivered event
-- changes nothing (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE fraud_alerts (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id BIGINT      NOT NULL,
    rule           TEXT        NOT NULL CHECK (rule IN ('amount_threshold', 'velocity')),
    account_id     BIGINT      NOT NULL,
    amount_minor   BIGINT      NOT NULL CHECK (amount_minor > 0),
    currency       CHAR(3)     NOT NULL,
    event_id       UUID        NOT NULL,
    detail         TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT fraud_alerts_once_per_rule UNIQUE (transaction_id, rule)
);
