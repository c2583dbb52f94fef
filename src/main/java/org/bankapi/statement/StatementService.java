package org.bankapi.statement;

import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;
import org.bankapi.account.AccountService;
import org.bankapi.ledger.StatementEntry;
import org.bankapi.ledger.StatementQueries;
import org.bankapi.money.Money;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.bankapi.web.error.ProblemException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Statements and balances at a point in time, read from the running balances of the ledger entries.
 * Each answer reads one snapshot (REPEATABLE READ, read-only), so its opening balance plus its entries
 * always make its closing balance, even while money moves.
 */
@Service
class StatementService {

    static final int LIMIT_DEFAULT = 200;
    static final int LIMIT_MAX = 1000;

    private final AccountService accounts;
    private final StatementQueries queries;
    private final Clock clock;
    private final TransactionTemplate snapshot;

    StatementService(
            AccountService accounts,
            StatementQueries queries,
            Clock clock,
            PlatformTransactionManager transactionManager) {
        this.accounts = accounts;
        this.queries = queries;
        this.clock = clock;
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** What {@code GET /accounts/{id}/statement} asks, as the query string gave it. */
    record StatementRequest(String from, String to, Integer limit, String cursor) {}

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public StatementView statement(Caller caller, long accountId, StatementRequest request) {
        Currency currency = visibleCurrency(caller, accountId);
        StatementWindow window = StatementWindow.of(request.from(), request.to(), clock);
        PageRequest page = PageRequest.of(request.limit(), request.cursor(), LIMIT_DEFAULT, LIMIT_MAX);
        long opening = queries.balanceBefore(accountId, window.fromMicros());
        long closing = queries.balanceBefore(accountId, window.toMicros());
        List<StatementEntry> rows =
                queries.page(accountId, window.fromMicros(), window.toMicros(), page.afterId(), page.fetchSize());
        Page<StatementView.Line> lines = page.page(rows, StatementEntry::entryId, entry -> line(entry, currency));
        return new StatementView(
                accountId,
                currency.getCurrencyCode(),
                window.from(),
                window.to(),
                decimal(opening, currency),
                decimal(closing, currency),
                lines.items(),
                lines.nextCursor());
    }

    /**
     * The whole window as CSV. Visibility and parameters are checked now (so a refusal is still a
     * problem+json); the rows are read when the body is written, streamed in one read-only snapshot.
     */
    public StatementCsv statementCsv(Caller caller, long accountId, String from, String to) {
        Currency currency = visibleCurrency(caller, accountId);
        StatementWindow window = StatementWindow.of(from, to, clock);
        return new StatementCsv(
                accountId,
                window,
                currency,
                action -> snapshot.executeWithoutResult(status -> {
                    try (Stream<StatementEntry> entries =
                            queries.stream(accountId, window.fromMicros(), window.toMicros())) {
                        entries.forEach(action);
                    }
                }));
    }

    @Transactional(readOnly = true)
    public BalanceAtView balanceAt(Caller caller, long accountId, String atText) {
        accounts.requireVisible(caller, accountId);
        StatementQueries.AccountHeader account =
                queries.header(accountId).orElseThrow(() -> ProblemException.notFound("account " + accountId));
        if (atText == null || atText.isBlank()) {
            throw ProblemException.validation("at", "is required");
        }
        Instant at = Instants.parse("at", atText);
        if (at.isAfter(clock.instant())) {
            throw ProblemException.validation("at", "lies in the future");
        }
        if (at.isBefore(account.createdAt())) {
            throw ProblemException.validation("at", "lies before the account was opened (" + account.createdAt() + ")");
        }
        // booked at or before at: strictly before the next stored microsecond
        long balance = queries.balanceBefore(accountId, Instants.floorMicros(at).plusNanos(1000));
        return new BalanceAtView(
                accountId, account.currency().getCurrencyCode(), decimal(balance, account.currency()), at);
    }

    private Currency visibleCurrency(Caller caller, long accountId) {
        accounts.requireVisible(caller, accountId);
        return queries.header(accountId)
                .orElseThrow(() -> ProblemException.notFound("account " + accountId))
                .currency();
    }

    private static StatementView.Line line(StatementEntry entry, Currency currency) {
        return new StatementView.Line(
                entry.transactionId(),
                entry.type(),
                decimal(entry.amountMinor(), currency),
                decimal(entry.balanceAfterMinor(), currency),
                entry.description(),
                entry.createdAt());
    }

    private static String decimal(long minor, Currency currency) {
        return Money.ofMinor(minor, currency).toPlainString();
    }
}
