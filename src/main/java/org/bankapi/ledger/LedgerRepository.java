package org.bankapi.ledger;

import static org.bankapi.db.SqlArrays.bigints;
import static org.bankapi.db.SqlArrays.texts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bankapi.db.SqlArrays;
import org.bankapi.money.Money;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the posting path: one lock pass, one balance update, one insert of transactions and entries per batch. */
@Repository
class LedgerRepository {

    private final JdbcClient jdbc;

    LedgerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the customer accounts in id order (so concurrent batches never deadlock) and returns their
     * state; then, for the accounts whose held_minor is not zero, the sum of their holds still pending
     * at {@code now}, which the caller reads once it holds the locks. The holds are read by a statement
     * of their own: a subquery of the locking statement would see them as of before a wait for the lock.
     */
    Map<Long, AccountState> lockAccounts(Collection<Long> ids, Supplier<Instant> now) {
        long[] sorted =
                ids.stream().mapToLong(Long::longValue).distinct().sorted().toArray();
        Map<Long, AccountState> result = new LinkedHashMap<>();
        List<Long> holding = new ArrayList<>();
        if (sorted.length > 0) {
            jdbc.sql("""
                    SELECT id, owner_id, currency, balance_minor, held_minor, status, kind
                      FROM accounts WHERE id = ANY(:ids) AND kind = 'customer'
                     ORDER BY id FOR UPDATE""")
                    .param("ids", bigints(sorted))
                    .query((rs, n) -> {
                        if (rs.getLong("held_minor") > 0) {
                            holding.add(rs.getLong("id"));
                        }
                        return accountState(rs, n);
                    })
                    .list()
                    .forEach(state -> result.put(state.id(), state));
        }
        Instant at = now.get();
        if (!holding.isEmpty()) {
            activeHolds(holding, at)
                    .forEach((id, held) -> result.put(id, result.get(id).withHeld(held)));
        }
        return result;
    }

    /** The sum of the pending holds of each account that have not expired at {@code now}. */
    Map<Long, Long> activeHolds(Collection<Long> accountIds, Instant now) {
        Map<Long, Long> held = new HashMap<>();
        jdbc.sql("""
                SELECT account_id, sum(amount_minor) FROM holds
                 WHERE account_id = ANY(:ids) AND status = 'pending' AND expires_at > :now
                 GROUP BY account_id""")
                .param(
                        "ids",
                        bigints(accountIds.stream().mapToLong(Long::longValue).toArray()))
                .param("now", Timestamp.from(now))
                .query((rs, n) -> held.put(rs.getLong(1), rs.getLong(2)))
                .list();
        return held;
    }

    /** The holds to capture, void or expire, locked in id order (after transactions, before accounts). */
    Map<Long, Hold> lockHolds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, Hold> locked = new HashMap<>();
        jdbc.sql("SELECT * FROM holds WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .param(
                        "ids",
                        bigints(ids.stream()
                                .mapToLong(Long::longValue)
                                .distinct()
                                .sorted()
                                .toArray()))
                .query(LedgerRepository::hold)
                .list()
                .forEach(hold -> locked.put(hold.id(), hold));
        return locked;
    }

    /**
     * Lets this transaction's statements run on their cached generic plans (SET LOCAL: this transaction
     * only). The batch's statements find their rows by index whatever their parameters
     * (PlansWithoutStatisticsTest checks them under this setting), and planning the multi-row inserts
     * afresh for every batch cost a third of executing them (measured with log_min_duration_statement).
     */
    void planGenerically() {
        jdbc.sql("SET LOCAL plan_cache_mode = force_generic_plan").update();
    }

    /** Inserts new pending holds in one statement, in order; returns their ids in that order. */
    long[] insertHolds(List<Hold> holds) {
        if (holds.isEmpty()) {
            return new long[0];
        }
        List<Long> ids = jdbc.sql("""
                WITH ids AS MATERIALIZED (
                    SELECT ord, nextval('holds_id_seq') AS id FROM generate_series(1, :n) AS ord),
                h AS (
                    INSERT INTO holds (id, account_id, target_account_id, amount_minor, currency, status, description,
                                       expires_at, created_at)
                    SELECT ids.id, v.account, v.target, v.amount, v.currency, 'pending', v.description, v.expires, v.created
                      FROM unnest(:accounts, :targets, :amounts, :currencies, :descriptions, :expires, :created)
                           WITH ORDINALITY AS v(account, target, amount, currency, description, expires, created, ord)
                      JOIN ids USING (ord))
                SELECT id FROM ids ORDER BY ord""")
                .param("n", holds.size())
                .param("accounts", bigints(holds.stream().map(Hold::accountId).toArray(Long[]::new)))
                .param(
                        "targets",
                        bigints(holds.stream().map(Hold::targetAccountId).toArray(Long[]::new)))
                .param(
                        "amounts",
                        bigints(holds.stream().map(h -> h.amount().minorUnits()).toArray(Long[]::new)))
                .param(
                        "currencies",
                        texts(holds.stream()
                                .map(h -> h.amount().currency().getCurrencyCode())
                                .toArray(String[]::new)))
                .param(
                        "descriptions",
                        texts(holds.stream().map(Hold::description).toArray(String[]::new)))
                .param(
                        "expires",
                        SqlArrays.timestamps(holds.stream().map(Hold::expiresAt).toArray(Instant[]::new)))
                .param(
                        "created",
                        SqlArrays.timestamps(holds.stream().map(Hold::createdAt).toArray(Instant[]::new)))
                .query(Long.class)
                .list();
        if (ids.size() != holds.size()) {
            throw new IllegalStateException("placed " + ids.size() + " of " + holds.size() + " holds");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Writes the settlement of pending holds (captured, voided, expired), each once. */
    void settleHolds(List<Hold> settled) {
        if (settled.isEmpty()) {
            return;
        }
        int updated = jdbc.sql("""
                UPDATE holds AS h SET status = v.status, captured_minor = v.captured, transaction_id = v.tx, settled_at = v.at
                  FROM unnest(:ids, :statuses, :captured, :txs, :ats) AS v(id, status, captured, tx, at)
                 WHERE h.id = ANY(:ids) AND h.id = v.id AND h.status = 'pending'""")
                .param("ids", bigints(settled.stream().map(Hold::id).toArray(Long[]::new)))
                .param(
                        "statuses",
                        texts(settled.stream().map(h -> h.status().wireName()).toArray(String[]::new)))
                .param(
                        "captured",
                        bigints(settled.stream().map(Hold::capturedMinor).toArray(Long[]::new)))
                .param("txs", bigints(settled.stream().map(Hold::transactionId).toArray(Long[]::new)))
                .param(
                        "ats",
                        SqlArrays.timestamps(
                                settled.stream().map(Hold::settledAt).toArray(Instant[]::new)))
                .update();
        if (updated != settled.size()) {
            throw new IllegalStateException("settled " + updated + " of " + settled.size() + " pending holds");
        }
    }

    /**
     * Writes the new balances and bumps each row's balance_version (the order the balance cache
     * relies on); returns the new version of each account.
     */
    Map<Long, Long> updateBalances(Collection<AccountState> accounts, Map<Long, Long> heldDeltas) {
        if (accounts.isEmpty()) {
            return Map.of();
        }
        long[] ids = accounts.stream().mapToLong(AccountState::id).toArray();
        long[] balances =
                accounts.stream().mapToLong(AccountState::balanceMinor).toArray();
        long[] held = accounts.stream()
                .mapToLong(a -> heldDeltas.getOrDefault(a.id(), 0L))
                .toArray();
        Map<Long, Long> versions = new HashMap<>();
        jdbc.sql("""
                UPDATE accounts AS a SET balance_minor = v.balance, held_minor = a.held_minor + v.held,
                       balance_version = a.balance_version + 1
                  FROM unnest(:ids, :balances, :held) AS v(id, balance, held)
                 WHERE a.id = ANY(:ids) AND a.id = v.id AND a.kind = 'customer'
                RETURNING a.id, a.balance_version""")
                .param("ids", bigints(ids))
                .param("balances", bigints(balances))
                .param("held", bigints(held))
                .query((rs, n) -> versions.put(rs.getLong(1), rs.getLong(2)))
                .list();
        if (versions.size() != ids.length) {
            throw new IllegalStateException("updated " + versions.size() + " of " + ids.length + " locked accounts");
        }
        return versions;
    }

    /**
     * Inserts the transactions and all their entries in one statement, in arrival order (so ids,
     * and each account's entries, follow booking order); returns the new ids in that order.
     */
    long[] insertTransactions(List<Draft> drafts, Instant createdAt) {
        if (drafts.isEmpty()) {
            return new long[0];
        }
        int n = drafts.size();
        String[] types = new String[n];
        Long[] amounts = new Long[n];
        String[] currencies = new String[n];
        Long[] accounts = new Long[n];
        Long[] targets = new Long[n];
        String[] descriptions = new String[n];
        Long[] reverses = new Long[n];
        Long[] holds = new Long[n];
        List<Long> entryTx = new ArrayList<>();
        List<Long> entryAccounts = new ArrayList<>();
        List<Long> entryAmounts = new ArrayList<>();
        List<Long> entryBalances = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LedgerTransaction tx = drafts.get(i).transaction();
            types[i] = tx.type().wireName();
            amounts[i] = tx.amount().minorUnits();
            currencies[i] = tx.amount().currency().getCurrencyCode();
            accounts[i] = tx.accountId();
            targets[i] = tx.targetAccountId();
            descriptions[i] = tx.description();
            reverses[i] = tx.reverses();
            holds[i] = tx.holdId();
            for (Entry entry : drafts.get(i).entries()) {
                entryTx.add(i + 1L);
                entryAccounts.add(entry.accountId());
                entryAmounts.add(entry.amountMinor());
                entryBalances.add(entry.balanceAfterMinor());
            }
        }
        List<Long> ids = jdbc.sql("""
                WITH ids AS MATERIALIZED (
                    SELECT ord, nextval('transactions_id_seq') AS id FROM generate_series(1, :n) AS ord),
                t AS (
                    INSERT INTO transactions (id, type, status, amount_minor, currency, account_id, target_account_id,
                                              description, reverses, hold_id, created_at)
                    SELECT ids.id, v.type, 'completed', v.amount, v.currency, v.account, v.target, v.description,
                           v.reverses, v.hold, :createdAt
                      FROM unnest(:types, :amounts, :currencies, :accounts, :targets, :descriptions, :reverses, :holds)
                           WITH ORDINALITY AS v(type, amount, currency, account, target, description, reverses, hold, ord)
                      JOIN ids USING (ord)
                     ORDER BY ord),
                e AS (
                    INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, balance_after, currency, created_at)
                    SELECT ids.id, x.account, x.amount, x.balance_after, v.currency, :createdAt
                      FROM unnest(:entryTx, :entryAccounts, :entryAmounts, :entryBalances)
                           WITH ORDINALITY AS x(tx_ord, account, amount, balance_after, ord)
                      JOIN ids ON ids.ord = x.tx_ord
                      JOIN unnest(:currencies) WITH ORDINALITY AS v(currency, ord) ON v.ord = x.tx_ord
                     ORDER BY x.ord)
                SELECT id FROM ids ORDER BY ord""")
                .param("n", n)
                .param("types", SqlArrays.texts(types))
                .param("amounts", SqlArrays.bigints(amounts))
                .param("currencies", SqlArrays.texts(currencies))
                .param("accounts", SqlArrays.bigints(accounts))
                .param("targets", SqlArrays.bigints(targets))
                .param("descriptions", SqlArrays.texts(descriptions))
                .param("reverses", SqlArrays.bigints(reverses))
                .param("holds", SqlArrays.bigints(holds))
                .param("entryTx", SqlArrays.bigints(entryTx.toArray(Long[]::new)))
                .param("entryAccounts", SqlArrays.bigints(entryAccounts.toArray(Long[]::new)))
                .param("entryAmounts", SqlArrays.bigints(entryAmounts.toArray(Long[]::new)))
                .param("entryBalances", SqlArrays.bigints(entryBalances.toArray(Long[]::new)))
                .param("createdAt", Timestamp.from(createdAt))
                .query(Long.class)
                .list();
        if (ids.size() != n) {
            throw new IllegalStateException("booked " + ids.size() + " of " + n + " transactions");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The transactions to reverse, locked in id order (before any account, as every batch does). */
    Map<Long, LedgerTransaction> lockTransactions(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, LedgerTransaction> locked = new HashMap<>();
        jdbc.sql("SELECT * FROM transactions WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .param(
                        "ids",
                        bigints(ids.stream().mapToLong(Long::longValue).sorted().toArray()))
                .query(LedgerRepository::transaction)
                .list()
                .forEach(tx -> locked.put(tx.id(), tx));
        return locked;
    }

    void markReversed(List<LedgerTransaction> originals) {
        if (originals.isEmpty()) {
            return;
        }
        int updated = jdbc.sql("""
                UPDATE transactions AS t SET status = 'reversed'
                  FROM unnest(:ids, :createdAts) AS v(id, created_at)
                 WHERE t.id = ANY(:ids) AND t.created_at = ANY(:createdAts)
                   AND t.id = v.id AND t.created_at = v.created_at AND t.status = 'completed'""")
                .param(
                        "ids",
                        bigints(originals.stream()
                                .mapToLong(LedgerTransaction::id)
                                .toArray()))
                .param(
                        "createdAts",
                        SqlArrays.timestamps(originals.stream()
                                .map(LedgerTransaction::createdAt)
                                .toArray(Instant[]::new)))
                .update();
        if (updated != originals.size()) {
            throw new IllegalStateException("marked " + updated + " of " + originals.size() + " transactions reversed");
        }
    }

    /** A transaction ready to insert (id still 0) with the entries its posting produced. */
    record Draft(LedgerTransaction transaction, List<Entry> entries) {}

    /** Makes sure every currency's cash account exists: the other side of deposits and withdrawals. */
    void ensureCashAccounts(Collection<Currency> currencies, Instant now) {
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
                0,
                AccountStatus.fromWire(rs.getString("status")) == AccountStatus.OPEN,
                "cash".equals(rs.getString("kind")));
    }

    /** Maps a transactions row; the record's constructor asserts its invariants on every read. */
    static LedgerTransaction transaction(ResultSet rs, int row) throws SQLException {
        Currency currency = Currency.getInstance(rs.getString("currency"));
        long target = rs.getLong("target_account_id");
        Long targetId = rs.wasNull() ? null : target;
        long reverses = rs.getLong("reverses");
        Long reversesId = rs.wasNull() ? null : reverses;
        long hold = rs.getLong("hold_id");
        Long holdId = rs.wasNull() ? null : hold;
        return new LedgerTransaction(
                rs.getLong("id"),
                TransactionType.fromWire(rs.getString("type")),
                TransactionStatus.fromWire(rs.getString("status")),
                Money.ofMinor(rs.getLong("amount_minor"), currency),
                rs.getLong("account_id"),
                targetId,
                rs.getString("description"),
                reversesId,
                rs.getTimestamp("created_at").toInstant(),
                holdId);
    }

    /** Maps a holds row; the record's constructor asserts its invariants on every read. */
    static Hold hold(ResultSet rs, int row) throws SQLException {
        Currency currency = Currency.getInstance(rs.getString("currency"));
        return new Hold(
                rs.getLong("id"),
                rs.getLong("account_id"),
                nullableLong(rs, "target_account_id"),
                Money.ofMinor(rs.getLong("amount_minor"), currency),
                HoldStatus.fromWire(rs.getString("status")),
                nullableLong(rs, "captured_minor"),
                rs.getString("description"),
                rs.getTimestamp("expires_at").toInstant(),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("settled_at") == null
                        ? null
                        : rs.getTimestamp("settled_at").toInstant(),
                nullableLong(rs, "transaction_id"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
