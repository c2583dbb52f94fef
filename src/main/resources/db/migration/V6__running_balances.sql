-- Running balances: every ledger entry of a customer account records the account's balance once the
-- entry is applied (balance_after), written in the same INSERT as the entry, so statements and
-- balances at a point in time read one row instead of summing a history.
--
-- The bank's cash accounts (kind 'cash', ids below 1000) keep none: their balance is the sum of their
-- entries, and a running figure would serialise every deposit and withdrawal of a currency on one row.
-- Their balance_after stays NULL; the CHECK below enforces both halves on every row.

-- Cash accounts are exactly the ids below 1000 (ISO 4217 numeric codes; customer ids are random in
-- [1000, 2^53)), so a row-local CHECK on ledger_entries can tell them apart by account_id.
ALTER TABLE accounts ADD CONSTRAINT accounts_cash_ids_below_1000 CHECK ((kind = 'cash') = (id < 1000));

ALTER TABLE ledger_entries ADD COLUMN balance_after BIGINT;

-- Backfill: the running sum per customer account in booking order. Postings on one account are
-- serialised by its row lock, so within an account the entry id order is the booking order.
-- ledger_entries is append-only (trigger ledger_entries_append_only refuses UPDATE); this one-off
-- UPDATE of the new column happens with the trigger off, inside this migration's transaction only.
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;

UPDATE ledger_entries AS e
   SET balance_after = r.running
  FROM (SELECT id, sum(amount_minor) OVER (PARTITION BY account_id ORDER BY id) AS running
          FROM ledger_entries
         WHERE account_id >= 1000) AS r
 WHERE e.id = r.id;

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;

-- The backfill must agree with the balances the accounts hold; a ledger that does not is not migrated.
DO $$
DECLARE
    bad RECORD;
BEGIN
    SELECT a.id, a.balance_minor, last.balance_after INTO bad
      FROM accounts a
      LEFT JOIN LATERAL (SELECT balance_after FROM ledger_entries e
                          WHERE e.account_id = a.id ORDER BY e.id DESC LIMIT 1) AS last ON TRUE
     WHERE a.kind = 'customer' AND coalesce(last.balance_after, 0) <> a.balance_minor
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'account % holds % but its entries sum to %: ledger corrupt, not migrated',
            bad.id, bad.balance_minor, bad.balance_after;
    END IF;
    SELECT e.id, e.account_id, e.balance_after INTO bad FROM ledger_entries e WHERE e.balance_after < 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'entry % takes account % to % (below zero): ledger corrupt, not migrated',
            bad.id, bad.account_id, bad.balance_after;
    END IF;
END $$;

-- Customer entries carry their running balance (never below zero); cash entries never do.
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_balance_after_customer_only CHECK (
    CASE WHEN account_id < 1000 THEN balance_after IS NULL
         ELSE balance_after IS NOT NULL AND balance_after >= 0 END);

-- Statements (entries of one account in a time window, oldest first, keyset on (created_at, id)),
-- their opening and closing balances and the balance at a point in time (the last entry before an
-- instant): one index range or one backward index step each; the INCLUDE lets the balance reads
-- be index-only scans.
CREATE INDEX ledger_entries_account_time_idx ON ledger_entries (account_id, created_at, id)
    INCLUDE (amount_minor, balance_after);
