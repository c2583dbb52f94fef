-- Core ledger: accounts, transactions, double-entry ledger entries, idempotency keys.
-- Money is stored as BIGINT minor units of the row's currency; never as a floating-point number.

-- Accounts are range-partitioned on their id, which never changes for a row (partitioning on the
-- balance, as the original description did, would move a row between partitions on every posting).
-- Customer account ids are random in [1000, 2^53), so both partitions fill evenly and ids stay
-- exact in JavaScript clients; ids below 1000 are the bank's cash accounts, one per currency,
-- numbered by the ISO 4217 numeric code.
CREATE TABLE accounts (
    id            BIGINT      NOT NULL,
    kind          TEXT        NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'cash')),
    owner_id      TEXT        NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 255),
    holder_name   BYTEA,
    email         BYTEA,
    currency      CHAR(3)     NOT NULL,
    balance_minor BIGINT      NOT NULL DEFAULT 0,
    status        TEXT        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at    TIMESTAMPTZ NOT NULL,
    closed_at     TIMESTAMPTZ,
    PRIMARY KEY (id),
    -- a customer balance never goes below zero; the cash account's balance column is not used
    -- (its balance is the sum of its entries), so postings never contend on one hot row
    CONSTRAINT accounts_balance_not_negative CHECK (kind = 'cash' OR balance_minor >= 0),
    CONSTRAINT accounts_closed_is_empty CHECK (status = 'open' OR balance_minor = 0),
    CONSTRAINT accounts_cash_has_no_balance CHECK (kind = 'customer' OR balance_minor = 0)
) PARTITION BY RANGE (id);

CREATE TABLE accounts_low PARTITION OF accounts FOR VALUES FROM (MINVALUE) TO (4503599627370496);
CREATE TABLE accounts_high PARTITION OF accounts FOR VALUES FROM (4503599627370496) TO (MAXVALUE);

-- GET /accounts for a customer: own accounts in id order
CREATE INDEX accounts_owner_id_idx ON accounts (owner_id, id);

CREATE SEQUENCE transactions_id_seq AS BIGINT;

-- Transactions are range-partitioned by month of created_at; the service creates partitions
-- ahead of need at start-up and daily (see PartitionMaintenance).
CREATE TABLE transactions (
    id                BIGINT      NOT NULL DEFAULT nextval('transactions_id_seq'),
    type              TEXT        NOT NULL CHECK (type IN ('deposit', 'withdrawal', 'transfer', 'reversal')),
    status            TEXT        NOT NULL CHECK (status IN ('completed', 'reversed')),
    amount_minor      BIGINT      NOT NULL CHECK (amount_minor > 0),
    currency          CHAR(3)     NOT NULL,
    account_id        BIGINT      NOT NULL,
    target_account_id BIGINT,
    description       TEXT        CHECK (length(description) <= 500),
    reverses          BIGINT,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, created_at),
    CHECK ((type = 'transfer') = (target_account_id IS NOT NULL) OR type = 'reversal'),
    CHECK ((type = 'reversal') = (reverses IS NOT NULL)),
    CHECK (target_account_id IS NULL OR target_account_id <> account_id)
) PARTITION BY RANGE (created_at);

-- newest-first pages of one account's history (either side of a transfer), of one type, of all
CREATE INDEX transactions_account_id_idx ON transactions (account_id, id DESC);
CREATE INDEX transactions_target_account_id_idx ON transactions (target_account_id, id DESC)
    WHERE target_account_id IS NOT NULL;
CREATE INDEX transactions_type_idx ON transactions (type, id DESC);

-- One row per movement of one account. amount_minor is the change of that account's balance:
-- each transaction's entries sum to zero (checked at commit by the trigger below).
CREATE TABLE ledger_entries (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id BIGINT      NOT NULL,
    account_id     BIGINT      NOT NULL REFERENCES accounts (id),
    amount_minor   BIGINT      NOT NULL CHECK (amount_minor <> 0),
    currency       CHAR(3)     NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_entries_account_id_idx ON ledger_entries (account_id, transaction_id);
CREATE INDEX ledger_entries_transaction_id_idx ON ledger_entries (transaction_id);

CREATE FUNCTION ledger_entries_balance_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total BIGINT;
    currencies INT;
BEGIN
    SELECT coalesce(sum(amount_minor), 0), count(DISTINCT currency) INTO total, currencies
      FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 OR currencies <> 1 THEN
        RAISE EXCEPTION 'double entry broken for transaction %: entries sum to % over % currencies',
            NEW.transaction_id, total, currencies;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entries_sum_to_zero
    AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_balance_check();

-- Ledger entries are history: they are never changed or removed.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME;
END $$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Idempotency-Key records: scoped to the principal, kept at least 24 h.
CREATE TABLE idempotency_keys (
    principal     TEXT        NOT NULL,
    key           TEXT        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash  BYTEA       NOT NULL,
    status_code   INT,
    content_type  TEXT,
    location      TEXT,
    response_body BYTEA,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

-- Envelope encryption of personal data: one data key per account, wrapped by a key-encryption
-- key (a local key file or Azure Key Vault). Destroying the wrapped key erases the data.
CREATE TABLE data_keys (
    account_id  BIGINT      PRIMARY KEY,
    kek_id      TEXT,
    wrapped_key BYTEA,
    created_at  TIMESTAMPTZ NOT NULL,
    destroyed_at TIMESTAMPTZ,
    CHECK ((destroyed_at IS NULL) = (wrapped_key IS NOT NULL))
);
