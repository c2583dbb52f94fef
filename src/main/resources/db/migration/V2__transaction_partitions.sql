-- Monthly partitions of transactions, created ahead of need. The service calls this function at
-- start-up and daily; the migration creates the current month and the next three.
CREATE FUNCTION ensure_transaction_partitions(first_month DATE, months INT) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
    month_start DATE;
    created INT := 0;
    name TEXT;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', first_month) + make_interval(months => i))::DATE;
        name := 'transactions_' || to_char(month_start, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF transactions FOR VALUES FROM (%L) TO (%L)',
                           name, month_start::TIMESTAMPTZ, (month_start + INTERVAL '1 month')::TIMESTAMPTZ);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_transaction_partitions((now() - INTERVAL '1 month')::DATE, 5);
