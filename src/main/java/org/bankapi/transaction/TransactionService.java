package org.bankapi.transaction;

import java.util.Currency;
import java.util.List;
import org.bankapi.account.AccountService;
import org.bankapi.ledger.Ledger;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.TransactionQueries;
import org.bankapi.ledger.TransactionType;
import org.bankapi.problem.ProblemException;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Creating, listing and reversing transactions with the contract's role and ownership rules. */
@Service
public class TransactionService {

    private static final Logger log = LoggerFactory.getLogger(TransactionService.class);

    private final Ledger ledger;
    private final TransactionQueries queries;
    private final AccountService accounts;

    TransactionService(Ledger ledger, TransactionQueries queries, AccountService accounts) {
        this.ledger = ledger;
        this.queries = queries;
        this.accounts = accounts;
    }

    public TransactionView create(Caller caller, CreateTransactionRequest request) {
        Currency accountCurrency = request.currency() == null && request.accountId() != null
                ? accounts.currencyOf(request.accountId()).orElse(null)
                : null;
        CreateTransactionRequest.Checked checked = request.check(accountCurrency);
        if (checked.amount() == null) {
            throw ProblemException.notFound("account " + request.accountId());
        }
        LedgerTransaction tx = ledger.post(new Ledger.PostingRequest(checked.type(), checked.accountId(),
                checked.targetAccountId(), checked.amount(), checked.description(), caller.ownerRestriction()));
        logProcessed(tx);
        return TransactionView.of(tx);
    }

    public TransactionView get(Caller caller, long id) {
        LedgerTransaction tx = queries.find(id).orElseThrow(() -> ProblemException.notFound("transaction " + id));
        if (!caller.admin()) {
            List<Long> own = accounts.idsOwnedBy(caller.subject());
            if (!own.contains(tx.accountId()) && (tx.targetAccountId() == null || !own.contains(tx.targetAccountId()))) {
                throw ProblemException.forbidden("transaction " + id + " does not touch your accounts");
            }
        }
        return TransactionView.of(tx);
    }

    public Page<TransactionView> list(Caller caller, Long accountId, String type, PageRequest page) {
        TransactionType parsedType = null;
        if (type != null) {
            try {
                parsedType = TransactionType.fromWire(type);
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("type", "must be deposit, withdrawal, transfer or reversal");
            }
        }
        List<LedgerTransaction> rows;
        if (accountId != null) {
            accounts.requireVisible(caller, accountId);
            rows = queries.ofAccount(accountId, parsedType, page.afterId(), page.fetchSize());
        } else if (caller.admin()) {
            rows = queries.all(parsedType, page.afterId(), page.fetchSize());
        } else {
            rows = queries.ofAccounts(accounts.idsOwnedBy(caller.subject()), parsedType, page.afterId(), page.fetchSize());
        }
        return page.page(rows, LedgerTransaction::id, TransactionView::of);
    }

    public TransactionView reverse(Caller caller, long id, ReverseRequest request) {
        caller.requireAdmin();
        String description = request == null ? null : request.checkedDescription();
        LedgerTransaction reversal = ledger.reverse(id, description);
        logProcessed(reversal);
        return TransactionView.of(reversal);
    }

    /** One structured line per booked transaction: ids, type and amount, never who holds the accounts. */
    private static void logProcessed(LedgerTransaction tx) {
        var line = log.atInfo()
                .addKeyValue("event.action", "transaction-processed")
                .addKeyValue("bank.transaction.id", tx.id())
                .addKeyValue("bank.transaction.type", tx.type().wireName())
                .addKeyValue("bank.transaction.amount", tx.amount().toDecimal())
                .addKeyValue("bank.transaction.currency", tx.amount().currency().getCurrencyCode())
                .addKeyValue("bank.account.id", tx.accountId());
        if (tx.targetAccountId() != null) {
            line = line.addKeyValue("bank.target_account.id", tx.targetAccountId());
        }
        if (tx.reverses() != null) {
            line = line.addKeyValue("bank.transaction.reverses", tx.reverses());
        }
        line.log("Transaction processed: {} {} {} on account {}", tx.id(), tx.type().wireName(), tx.amount(), tx.accountId());
    }
}
