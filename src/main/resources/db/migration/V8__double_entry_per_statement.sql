-- Double entry checked once per statement instead of once per entry row at commit. The row trigger
-- of V1 ran one query per entry (two per transfer), queued until commit; the posting engine writes a
-- whole batch's entries in one statement, so one set-based query over the transactions that
-- statement touched does the same check. Each of them must still sum to zero in one currency,
-- counting its entries from earlier statements too. What changes: a transaction's entries must
-- balance at the end of each statement that adds some, not only at commit.
DROP TRIGGER ledger_entries_sum_to_zero ON ledger_entries;
DROP FUNCTION ledger_entries_balance_check();

CREATE FUNCTION ledger_entries_balance_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    broken RECORD;
BEGIN
    SELECT e.transaction_id, sum(e.amount_minor) AS total, count(DISTINCT e.currency) AS currencies
      INTO broken
      FROM ledger_entries e
     WHERE e.transaction_id IN (SELECT DISTINCT n.transaction_id FROM new_entries n)
     GROUP BY e.transaction_id
    HAVING sum(e.amount_minor) <> 0 OR count(DISTINCT e.currency) <> 1
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'double entry broken for transaction %: entries sum to % over % currencies',
            broken.transaction_id, broken.total, broken.currencies;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_entries_sum_to_zero
    AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_balance_check();
