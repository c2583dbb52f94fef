package org.bankapi.transaction;

import java.net.URI;
import java.util.List;
import org.bankapi.account.AccountService;
import org.bankapi.audit.AuditLog;
import org.bankapi.ledger.Booking;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.Origin;
import org.bankapi.ledger.Outcome;
import org.bankapi.ledger.PostingEngine;
import org.bankapi.ledger.StoredReply;
import org.bankapi.ledger.Submission;
import org.bankapi.ledger.TransactionQueries;
import org.bankapi.ledger.TransactionType;
import org.bankapi.observability.LogFields;
import org.bankapi.observability.Rehearsal;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.bankapi.web.Reply;
import org.bankapi.web.error.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Creating, listing and reversing transactions with the role and ownership rules of the API (README, "API overview"). */
@Service
public class TransactionService {

    private static final Logger log = LoggerFactory.getLogger(TransactionService.class);

    private final PostingEngine engine;
    private final TransactionQueries queries;
    private final AccountService accounts;
    private final AuditLog audit;
    private final JsonMapper json;

    TransactionService(
            PostingEngine engine,
            TransactionQueries queries,
            AccountService accounts,
            AuditLog audit,
            JsonMapper json) {
        this.engine = engine;
        this.queries = queries;
        this.accounts = accounts;
        this.audit = audit;
        this.json = json;
    }

    public Reply<TransactionView> create(Caller caller, CreateTransactionRequest request, IdempotencyClaim claim) {
        CreateTransactionRequest.Checked checked = request.check();
        return book(
                caller,
                new Command.Post(
                        checked.type(),
                        checked.accountId(),
                        checked.targetAccountId(),
                        checked.amount(),
                        checked.description(),
                        caller.ownerRestriction()),
                claim);
    }

    public TransactionView get(Caller caller, long id) {
        LedgerTransaction tx = queries.find(id).orElseThrow(() -> ProblemException.notFound("transaction " + id));
        if (!caller.admin()) {
            List<Long> own = accounts.idsOwnedBy(caller.subject());
            if (!own.contains(tx.accountId())
                    && (tx.targetAccountId() == null || !own.contains(tx.targetAccountId()))) {
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
            rows = queries.ofAccounts(
                    accounts.idsOwnedBy(caller.subject()), parsedType, page.afterId(), page.fetchSize());
        }
        return page.page(rows, LedgerTransaction::id, TransactionView::of);
    }

    public Reply<TransactionView> reverse(Caller caller, long id, ReverseRequest request, IdempotencyClaim claim) {
        caller.requireAdmin();
        String description = request == null ? null : request.checkedDescription();
        return book(caller, new Command.Reverse(id, description), claim);
    }

    private Reply<TransactionView> book(Caller caller, Command command, IdempotencyClaim claim) {
        Outcome outcome = engine.submit(new Submission(
                command,
                new Origin(caller.subject(), LogFields.requestId()),
                claim,
                booking -> Submission.Reply.created(
                        location(booking.transaction()), json.writeValueAsBytes(view(booking)))));
        if (outcome.isReplay()) {
            StoredReply stored = outcome.replayed();
            return Reply.replayed(stored.status(), stored.contentType(), stored.location(), stored.body());
        }
        audit.markRecorded();
        LedgerTransaction tx = outcome.booking().transaction();
        if (!Rehearsal.active()) {
            logProcessed(tx);
        }
        return Reply.created(TransactionView.of(tx), URI.create(location(tx)));
    }

    private static TransactionView view(Booking booking) {
        return TransactionView.of(booking.transaction());
    }

    private static String location(LedgerTransaction tx) {
        return "/transactions/" + tx.id();
    }

    /** One structured line per booked transaction (not a rehearsed one): ids, type and amount, never who holds the accounts. */
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
        line.log(
                "Transaction processed: {} {} {} on account {}",
                tx.id(),
                tx.type().wireName(),
                tx.amount(),
                tx.accountId());
    }
}
