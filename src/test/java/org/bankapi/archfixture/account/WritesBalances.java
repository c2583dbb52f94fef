package org.bankapi.archfixture.account;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Breaks the balance, table-ownership and SQL-runners rules: writes a balance outside the ledger. */
public class WritesBalances {

    private final JdbcClient jdbc;

    public WritesBalances(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void set(long id, long balance) {
        jdbc.sql("update accounts set balance_minor = :balance where id = :id")
                .param("balance", balance)
                .param("id", id)
                .update();
    }

    public long nextTransactionId() {
        return jdbc.sql("SELECT nextval('transactions_id_seq')")
                .query(Long.class)
                .single();
    }
}
