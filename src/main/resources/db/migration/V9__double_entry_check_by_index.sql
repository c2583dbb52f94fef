-- The statement-level double-entry check of V8 let the planner choose how to join the statement's
-- transactions with ledger_entries. Without statistics (a new database, or autovacuum off) and with
-- the transition table's unknown size it merged against the whole transaction_id index: every batch
-- read every entry ever written (measured: 3,888 index rows read to check 2). Each transaction's
-- entries are now summed through the index, one lookup per transaction the statement touched, whatever
-- the statistics say. The rule itself is unchanged.
CREATE OR REPLACE FUNCTION ledger_entries_balance_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    broken RECORD;
BEGIN
    SELECT t.transaction_id, s.total, s.currencies
      INTO broken
      FROM (SELECT DISTINCT n.transaction_id FROM new_entries n) AS t
     CROSS JOIN LATERAL (
           SELECT sum(e.amount_minor) AS total, count(DISTINCT e.currency) AS currencies
             FROM ledger_entries e
            WHERE e.transaction_id = t.transaction_id) AS s
     WHERE s.total <> 0 OR s.currencies <> 1
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'double entry broken for transaction %: entries sum to % over % currencies',
            broken.transaction_id, broken.total, broken.currencies;
    END IF;
    RETURN NULL;
END $$;
