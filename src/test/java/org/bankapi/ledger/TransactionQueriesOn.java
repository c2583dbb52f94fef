package org.bankapi.ledger;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The service's own transaction queries on another database (the EXPLAIN tests' volume database). */
public final class TransactionQueriesOn {

    private TransactionQueriesOn() {}

    public static TransactionQueries database(JdbcClient jdbc) {
        return new TransactionQueries(jdbc);
    }
}
