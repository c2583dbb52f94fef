package org.bankapi.ledger;

import static org.bankapi.db.SqlArrays.bigints;
import static org.bankapi.db.SqlArrays.texts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bankapi.money.Money;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the posting path: lock, update balances, book transaction and entries; a few round trips each. */
@Repository
class LedgerRepository {

    private final JdbcClient jdbc;

    LedgerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the customer accounts in id order (so concurrent postings never deadlock) and returns their state. */
    Map<Long, AccountState> lockAccounts(Collection<Long> ids) {
        long[] sorted = ids.stream().mapToLong(Long::longValue).distinct().sorted().toArray();
        Map<Long, AccountState> result = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT id, owner_id, currency, balance_minor, status, kind
                  FROM accounts WHERE id = ANY(:ids) AND kind = 'customer'
                 ORDER BY id FOR UPDATE""")
                .param("ids", bigints(sorted))
                .query(LedgerRepository::accountState)
                .list()
                .forEach(state -> result.put(state.id(), state));
        return result;
    }

    /** Writes the new balances and bumps each row's balance_version, the order the balance cache relies on. */
    void updateBalances(Collection<AccountState> accounts) {
        if (accounts.isEmpty()) {
            return;
        }
        long[] ids = accounts.stream().mapToLong(AccountState::id).toArray();
        long[] balances = accounts.stream().mapToLong(AccountState::balanceMinor).toArray();
        int updated = jdbc.sql("""
                UPDATE accounts AS a SET balance_minor = v.balance, balance_version = a.balance_version + 1
                  FROM unnest(:ids, :balances) AS v(id, balance)
                 WHERE a.id = v.id AND a.kind = 'customer' AND a.status = 'open'""")
                .param("ids", bigints(ids))
                .param("balances", bigints(balances))
                .update();
        if (updated != ids.length) {
            throw new IllegalStateException("updated " + updated + " of " + ids.length + " locked accounts");
        }
    }

    /** Inserts the transaction and its entries in one statement; returns the new transaction's id. */
    long insertTransaction(LedgerTransaction tx, List<Entry> entries) {
        List<Long> ids = jdbc.sql("""
                WITH t AS (
                    INSERT INTO transactions (type, status, amount_minor, currency, account_id, target_account_id,
                                              description, reverses, created_at)
                    VALUES (:type, :status, :amount, :currency, :account, :target, :description, :reverses, :createdAt)
                    RETURNING id, created_at)
                INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, balance_after, currency, created_at)
                SELECT t.id, e.account_id, e.amount, e.balance_after, :currency, t.created_at
                  FROM t, unnest(:entryAccounts, :entryAmounts, :entryBalances) AS e(account_id, amount, balance_after)
                RETURNING transaction_id""")
                .param("type", tx.type().wireName())
                .param("status", tx.status())
                .param("amount", tx.amount().minorUnits())
                .param("currency", tx.amount().currency().getCurrencyCode())
                .param("account", tx.accountId())
                .param("target", tx.targetAccountId())
                .param("description", tx.description())
                .param("reverses", tx.reverses())
                .param("createdAt", Timestamp.from(tx.createdAt()))
                .param("entryAccounts", bigints(entries.stream().mapToLong(Entry::accountId).toArray()))
                .param("entryAmounts", bigints(entries.stream().mapToLong(Entry::amountMinor).toArray()))
                .param("entryBalances", bigints(entries.stream().map(Entry::balanceAfterMinor).toArray(Long[]::new)))
                .query(Long.class)
                .list();
        if (ids.size() != entries.size() || ids.stream().distinct().count() != 1) {
            throw new IllegalStateException("booked " + ids.size() + " entries of " + entries.size());
        }
        return ids.getFirst();
    }

    Optional<LedgerTransaction> lockTransaction(long id) {
        return jdbc.sql("SELECT * FROM transactions WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(LedgerRepository::transaction)
                .optional();
    }

    void markReversed(LedgerTransaction original) {
        int updated = jdbc.sql("""
                UPDATE transactions SET status = 'reversed'
                 WHERE id = :id AND created_at = :createdAt AND status = 'completed'""")
                .param("id", original.id())
                .param("createdAt", Timestamp.from(original.createdAt()))
                .update();
        if (updated != 1) {
            throw new IllegalStateException("transaction " + original.id() + " was not marked reversed");
        }
    }

    /** Makes sure every currency's cash account exists: the other side of deposits and withdrawals. */
    void ensureCashAccounts(Collection<Currency> currencies, java.time.Instant now) {
        long[] ids = currencies.stream().mapToLong(AccountState::cashAccountId).toArray();
        String[] codes = currencies.stream().map(Currency::getCurrencyCode).toArray(String[]::new);
        jdbc.sql("""
                INSERT INTO accounts (id, kind, owner_id, currency, created_at)
                SELECT c.id, 'cash', 'bank', c.code, :now FROM unnest(:ids, :codes) AS c(id, code)
                ON CONFLICT (id) DO NOTHING""")
                .param("ids", bigints(ids))
                .param("codes", texts(codes))
                .param("now", Timestamp.from(now))
                .update();
    }


    static AccountState accountState(ResultSet rs, int row) throws SQLException {
        return new AccountState(
                rs.getLong("id"),
                rs.getString("owner_id"),
                Currency.getInstance(rs.getString("currency")),
                rs.getLong("balance_minor"),
                "open".equals(rs.getString("status")),
                "cash".equals(rs.getString("kind")));
    }

    /** Maps a transactions row; the record's constructor asserts its invariants on every read. */
    static LedgerTransaction transaction(ResultSet rs, int row) throws SQLException {
        Currency currency = Currency.getInstance(rs.getString("currency"));
        long target = rs.getLong("target_account_id");
        Long targetId = rs.wasNull() ? null : target;
        long reverses = rs.getLong("reverses");
        Long reversesId = rs.wasNull() ? null : reverses;
        return new LedgerTransaction(
                rs.getLong("id"),
                TransactionType.fromWire(rs.getString("type")),
                rs.getString("status"),
                Money.ofMinor(rs.getLong("amount_minor"), currency),
                rs.getLong("account_id"),
                targetId,
                rs.getString("description"),
                reversesId,
                rs.getTimestamp("created_at").toInstant());
    }

}
