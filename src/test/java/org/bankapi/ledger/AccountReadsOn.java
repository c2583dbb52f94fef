package org.bankapi.ledger;

import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The service's own account reads on another database (the EXPLAIN tests' volume database). */
public final class AccountReadsOn {

    private final AccountRecords repository;

    private AccountReadsOn(AccountRecords repository) {
        this.repository = repository;
    }

    public static AccountReadsOn database(JdbcClient jdbc) {
        return new AccountReadsOn(new AccountRecords(jdbc, Clock.systemUTC()));
    }

    /** Reads one account with its data key; true when it exists. */
    public boolean find(long id) {
        return repository.find(id).isPresent();
    }

    /** Reads a page of accounts (all, or one owner's) with their data keys; the number of rows. */
    public int page(String owner, Long afterId, int limit) {
        return repository.page(owner, afterId, limit).size();
    }

    public boolean ownerOf(long id) {
        return repository.ownerOf(id).isPresent();
    }

    public List<Long> idsOwnedBy(String owner) {
        return repository.idsOwnedBy(owner);
    }
}
