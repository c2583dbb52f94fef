package org.bankapi.ledger;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.money.Money;
import org.bankapi.problem.ProblemException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The only way money moves. Each posting locks the customer accounts it touches in id order, checks
 * the rules in memory ({@link PostingRules}) and writes balances, the transaction and its entries in
 * one database transaction; the steps are shaped so that a batch of postings can share one lock pass.
 */
@Service
public class Ledger {

    private final LedgerRepository repository;
    private final ApplicationEventPublisher events;
    private final LedgerMetrics metrics;
    private final Clock clock;

    Ledger(LedgerRepository repository, ApplicationEventPublisher events, LedgerMetrics metrics, Clock clock) {
        this.repository = repository;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Books a deposit, withdrawal or transfer. {@code requiredOwner}, when not null, must own
     * {@code accountId} (a customer moves money only from or into its own accounts).
     */
    @Transactional
    public LedgerTransaction post(PostingRequest request) {
        try {
            return book(request);
        } catch (ProblemException refusal) {
            metrics.refused(request.type());
            throw refusal;
        }
    }

    private LedgerTransaction book(PostingRequest request) {
        Money amount = request.amount();
        List<Long> customerIds = new ArrayList<>();
        customerIds.add(request.accountId());
        if (request.targetAccountId() != null) {
            customerIds.add(request.targetAccountId());
        }
        Map<Long, AccountState> locked = repository.lockAccounts(customerIds);
        AccountState named = locked.get(request.accountId());
        if (named == null) {
            throw ProblemException.notFound("account " + request.accountId());
        }
        if (request.requiredOwner() != null && !request.requiredOwner().equals(named.ownerId())) {
            throw ProblemException.forbidden("account " + request.accountId() + " belongs to someone else");
        }
        if (request.targetAccountId() != null && !locked.containsKey(request.targetAccountId())) {
            throw ProblemException.notFound("account " + request.targetAccountId());
        }
        LedgerTransaction draft = new LedgerTransaction(0, request.type(), LedgerTransaction.COMPLETED, amount,
                request.accountId(), request.targetAccountId(), request.description(), null, now());
        return book(draft, draft.movement(), locked);
    }

    /** Posts the compensating reversal of a completed transaction, once. */
    @Transactional
    public LedgerTransaction reverse(long transactionId, String description) {
        LedgerTransaction original = repository.lockTransaction(transactionId)
                .orElseThrow(() -> ProblemException.notFound("transaction " + transactionId));
        try {
            if (original.type() == TransactionType.REVERSAL) {
                throw ProblemException.rule("not_reversible", "a reversal cannot itself be reversed");
            }
            if (LedgerTransaction.REVERSED.equals(original.status())) {
                throw ProblemException.conflict("already_reversed", "transaction " + transactionId + " is already reversed");
            }
            Movement forward = original.movement();
            Movement backward = new Movement(forward.toAccountId(), forward.fromAccountId(), forward.amount());
            List<Long> customerIds = new ArrayList<>();
            for (long id : new long[] {backward.fromAccountId(), backward.toAccountId()}) {
                if (!AccountState.isCashAccountId(id)) {
                    customerIds.add(id);
                }
            }
            Map<Long, AccountState> locked = repository.lockAccounts(customerIds);
            LedgerTransaction draft = new LedgerTransaction(0, TransactionType.REVERSAL, LedgerTransaction.COMPLETED,
                    original.amount(), original.accountId(), original.targetAccountId(),
                    description != null ? description : "reversal of transaction " + transactionId, transactionId, now());
            LedgerTransaction reversal = book(draft, backward, locked);
            repository.markReversed(original);
            return reversal;
        } catch (ProblemException refusal) {
            metrics.refused(TransactionType.REVERSAL);
            throw refusal;
        }
    }

    private LedgerTransaction book(LedgerTransaction draft, Movement movement, Map<Long, AccountState> lockedCustomers) {
        Map<Long, AccountState> accounts = new HashMap<>(lockedCustomers);
        Currency currency = draft.amount().currency();
        AccountState cash = AccountState.cashAccount(currency);
        accounts.putIfAbsent(cash.id(), cash);
        PostingRules.Posting posting = PostingRules.apply(movement, accounts);
        repository.updateBalances(posting.accountsAfter().values());
        long id = repository.insertTransaction(draft, posting.entries());
        LedgerTransaction booked = new LedgerTransaction(id, draft.type(), draft.status(), draft.amount(),
                draft.accountId(), draft.targetAccountId(), draft.description(), draft.reverses(), draft.createdAt());
        events.publishEvent(new TransactionPosted(booked));
        return booked;
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** What a client asked to book, after its amount and currency were checked. */
    public record PostingRequest(TransactionType type, long accountId, Long targetAccountId, Money amount,
                                 String description, String requiredOwner) {
        public PostingRequest {
            if (type == TransactionType.REVERSAL) {
                throw new IllegalArgumentException("reversals are posted with Ledger.reverse");
            }
            if ((type == TransactionType.TRANSFER) != (targetAccountId != null)) {
                throw new IllegalArgumentException("a target account goes with transfers only");
            }
        }
    }
}
