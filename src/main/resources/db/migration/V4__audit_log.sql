-- Tamper-evident audit trail. audit_log is strictly insert-only: each request writes its rows in its
-- own database transaction, with no shared "last hash" to read, so auditing never serialises money
-- requests. A single sealer (one instance at a time, under an advisory lock) chains the committed
-- rows after the fact into audit_seals: seal n covers its entry's content and seal n-1's hash.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    request_id  TEXT,
    principal   TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    resource    TEXT,
    outcome     TEXT        NOT NULL CHECK (outcome IN ('succeeded', 'refused', 'failed')),
    code        TEXT,
    details     TEXT        NOT NULL DEFAULT '{}'
);

-- Seals in chain order: seal_seq has no gaps (the sealer assigns previous + 1), so a removed seal shows.
CREATE TABLE audit_seals (
    seal_seq  BIGINT      PRIMARY KEY,
    entry_id  BIGINT      NOT NULL UNIQUE REFERENCES audit_log (id),
    prev_hash BYTEA       NOT NULL,
    hash      BYTEA       NOT NULL,
    sealed_at TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE on % is not allowed: the table is append-only', TG_TABLE_NAME;
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

-- Where the service runs under its own role, it may only insert and read (the triggers hold for it too).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_seals FROM PUBLIC;
