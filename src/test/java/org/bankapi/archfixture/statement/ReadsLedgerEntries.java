package org.bankapi.archfixture.statement;

/** Breaks the table-ownership rule: SQL over the ledger's tables outside the ledger (no JDBC here, only the text). */
public class ReadsLedgerEntries {

    public static final String ENTRIES = """
            SELECT e.amount_minor, t.type
              FROM ledger_entries e
              JOIN transactions t ON t.id = e.transaction_id
             WHERE e.account_id = :account""";
}
