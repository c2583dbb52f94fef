-- Holds (two-phase transfers): a pending hold reserves funds on its account until it is captured,
-- voided or expires. Every change of a hold happens in a posting batch under its account's row lock.
CREATE SEQUENCE holds_id_seq AS BIGINT;
CREATE TABLE holds (
    id                BIGINT      NOT NULL DEFAULT nextval('holds_id_seq') PRIMARY KEY,
    account_id        BIGINT      NOT NULL REFERENCES accounts (id),
    target_account_id BIGINT      REFERENCES accounts (id),
    amount_minor      BIGINT      NOT NULL CHECK (amount_minor > 0),
    currency          CHAR(3)     NOT NULL,
    status            TEXT        NOT NULL CHECK (status IN ('pending', 'captured', 'voided', 'expired')),
    captured_minor    BIGINT      CHECK (captured_minor > 0),
    description       TEXT        CHECK (length(description) <= 500),
    expires_at        TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    settled_at        TIMESTAMPTZ,
    transaction_id    BIGINT,
    CHECK (expires_at > created_at),
    CHECK (target_account_id IS NULL OR target_account_id <> account_id),
    CHECK ((status = 'captured') = (captured_minor IS NOT NULL AND transaction_id IS NOT NULL)),
    CHECK (captured_minor IS NULL OR captured_minor <= amount_minor),
    CHECK ((status = 'pending') = (settled_at IS NULL))
);
-- the pending holds of an account (its available balance), a page of an account's holds, the sweeper's scan
CREATE INDEX holds_account_pending_idx ON holds (account_id) INCLUDE (amount_minor, expires_at) WHERE status = 'pending';
CREATE INDEX holds_account_id_idx ON holds (account_id, id DESC);
CREATE INDEX holds_pending_expiry_idx ON holds (expires_at) WHERE status = 'pending';

-- The sum of the account's pending holds, expired ones not yet swept included: it is kept under the
-- account's row lock, so a posting that finds it zero needs no look at the holds table at all.
ALTER TABLE accounts ADD COLUMN held_minor BIGINT NOT NULL DEFAULT 0 CHECK (held_minor >= 0);

-- A captured hold's booking names it.
ALTER TABLE transactions ADD COLUMN hold_id BIGINT;
