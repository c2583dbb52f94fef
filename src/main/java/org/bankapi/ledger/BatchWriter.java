package org.bankapi.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bankapi.money.Money;
import org.bankapi.problem.ProblemException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Books one batch in one database transaction. Locks are always taken in one order, on every
 * instance: idempotency keys (sorted), then the transactions to reverse (by id), then the customer
 * accounts (by id), so two batches never deadlock. Rules are applied in memory in arrival order, and
 * every table gets one statement for the whole batch.
 */
@Component
class BatchWriter {

    private final LedgerRepository repository;
    private final KeyClaims keys;
    private final ApplicationEventPublisher events;
    private final LedgerMetrics metrics;
    private final TransactionTemplate inTransaction;
    private final Clock clock;

    BatchWriter(LedgerRepository repository, KeyClaims keys, ApplicationEventPublisher events, LedgerMetrics metrics,
                TransactionTemplate inTransaction, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.events = events;
        this.metrics = metrics;
        this.inTransaction = inTransaction;
        this.clock = clock;
    }

    /**
     * Books the batch and commits; returns one result per submission, in order. A database failure
     * throws and commits nothing (the engine then retries in smaller batches).
     */
    List<Result> write(List<Submission> batch) {
        return inTransaction.execute(status -> new Attempt(batch).run());
    }

    /** A submission's answer: an outcome, or the refusal it met. */
    record Result(Outcome outcome, ProblemException refusal) {
    }

    /** The state of one try at one batch; a retry starts a new one. */
    private final class Attempt {
        private final List<Submission> batch;
        private final Result[] results;
        private final boolean[] claimed;
        private final Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);

        Attempt(List<Submission> batch) {
            this.batch = batch;
            this.results = new Result[batch.size()];
            this.claimed = new boolean[batch.size()];
        }

        List<Result> run() {
            claimKeys();
            long[] opened = openAccounts();
            Map<Long, LedgerTransaction> originals = repository.lockTransactions(reversalTargets());
            BatchState state = new BatchState(repository.lockAccounts(customerAccounts(opened, originals)));
            Draft[] drafts = new Draft[batch.size()];
            Set<Long> reversedHere = new LinkedHashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] != null) {
                    continue;
                }
                try {
                    drafts[i] = switch (batch.get(i).command()) {
                        case Command.Post post -> post(post, state);
                        case Command.Reverse reverse -> reverse(reverse, originals, reversedHere, state);
                        case Command.Open open -> deposit(opened[i], open.initialDeposit(), state);
                    };
                } catch (ProblemException refusal) {
                    if (batch.get(i).command() instanceof Command.Open) {
                        throw new IllegalStateException("the initial deposit of a new account was refused: " + refusal.code());
                    }
                    metrics.refused(typeOf(batch.get(i).command()));
                    results[i] = new Result(null, refusal);
                }
            }
            write(drafts, originals, reversedHere, state, opened);
            return List.of(results);
        }

        private void claimKeys() {
            List<IdempotencyClaim> claims = new ArrayList<>();
            for (Submission s : batch) {
                if (s.claim() != null) {
                    claims.add(s.claim());
                }
            }
            if (claims.isEmpty()) {
                return;
            }
            Map<IdempotencyClaim.Id, StoredReply> earlier = keys.claim(claims, now);
            for (int i = 0; i < batch.size(); i++) {
                IdempotencyClaim claim = batch.get(i).claim();
                if (claim == null) {
                    continue;
                }
                StoredReply stored = earlier.get(claim.id());
                if (stored == null) {
                    claimed[i] = true;
                } else if (claim.sameRequest(stored.requestHash())) {
                    results[i] = new Result(new Outcome(null, stored), null);
                } else {
                    results[i] = new Result(null, ProblemException.conflict("idempotency_conflict",
                            "this Idempotency-Key was used with another request; use a new key"));
                }
            }
        }

        private long[] openAccounts() {
            long[] opened = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] == null && batch.get(i).command() instanceof Command.Open open) {
                    opened[i] = open.opening().insert();
                }
            }
            return opened;
        }

        private List<Long> reversalTargets() {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] == null && batch.get(i).command() instanceof Command.Reverse reverse) {
                    ids.add(reverse.transactionId());
                }
            }
            return ids;
        }

        private Set<Long> customerAccounts(long[] opened, Map<Long, LedgerTransaction> originals) {
            Set<Long> ids = new LinkedHashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] != null) {
                    continue;
                }
                switch (batch.get(i).command()) {
                    case Command.Post post -> {
                        ids.add(post.accountId());
                        if (post.targetAccountId() != null) {
                            ids.add(post.targetAccountId());
                        }
                    }
                    case Command.Reverse reverse -> {
                        LedgerTransaction original = originals.get(reverse.transactionId());
                        if (original != null) {
                            ids.add(original.accountId());
                            if (original.targetAccountId() != null) {
                                ids.add(original.targetAccountId());
                            }
                        }
                    }
                    case Command.Open open -> {
                        if (open.initialDeposit() != null) {
                            ids.add(opened[i]);
                        }
                    }
                }
            }
            ids.removeIf(AccountState::isCashAccountId);
            return ids;
        }

        private Draft post(Command.Post post, BatchState state) {
            AccountState named = state.get(post.accountId());
            if (named == null || named.cash()) {
                throw ProblemException.notFound("account " + post.accountId());
            }
            if (post.requiredOwner() != null && !post.requiredOwner().equals(named.ownerId())) {
                throw ProblemException.forbidden("account " + post.accountId() + " belongs to someone else");
            }
            if (post.targetAccountId() != null && (state.get(post.targetAccountId()) == null
                    || AccountState.isCashAccountId(post.targetAccountId()))) {
                throw ProblemException.notFound("account " + post.targetAccountId());
            }
            Money amount = post.amount().in(named.currency());
            LedgerTransaction draft = new LedgerTransaction(0, post.type(), LedgerTransaction.COMPLETED, amount,
                    post.accountId(), post.targetAccountId(), post.description(), null, now);
            return new Draft(draft, state.apply(draft.movement()));
        }

        private Draft reverse(Command.Reverse reverse, Map<Long, LedgerTransaction> originals, Set<Long> reversedHere,
                              BatchState state) {
            long id = reverse.transactionId();
            LedgerTransaction original = originals.get(id);
            if (original == null) {
                throw ProblemException.notFound("transaction " + id);
            }
            if (original.type() == TransactionType.REVERSAL) {
                throw ProblemException.rule("not_reversible", "a reversal cannot itself be reversed");
            }
            if (LedgerTransaction.REVERSED.equals(original.status()) || reversedHere.contains(id)) {
                throw ProblemException.conflict("already_reversed", "transaction " + id + " is already reversed");
            }
            Movement forward = original.movement();
            Movement backward = new Movement(forward.toAccountId(), forward.fromAccountId(), forward.amount());
            String description = reverse.description() != null ? reverse.description() : "reversal of transaction " + id;
            LedgerTransaction draft = new LedgerTransaction(0, TransactionType.REVERSAL, LedgerTransaction.COMPLETED,
                    original.amount(), original.accountId(), original.targetAccountId(), description, id, now);
            PostingRules.Posting posting = state.apply(backward);
            reversedHere.add(id);
            return new Draft(draft, posting);
        }

        private Draft deposit(long accountId, Money initialDeposit, BatchState state) {
            if (initialDeposit == null) {
                return null;
            }
            LedgerTransaction draft = new LedgerTransaction(0, TransactionType.DEPOSIT, LedgerTransaction.COMPLETED,
                    initialDeposit, accountId, null, "initial deposit", null, now);
            return new Draft(draft, state.apply(draft.movement()));
        }

        private void write(Draft[] drafts, Map<Long, LedgerTransaction> originals, Set<Long> reversedHere,
                           BatchState state, long[] opened) {
            Map<Long, AccountState> changed = state.changed();
            Map<Long, Long> versions = repository.updateBalances(changed.values());
            List<LedgerRepository.Draft> rows = new ArrayList<>();
            for (Draft draft : drafts) {
                if (draft != null) {
                    rows.add(new LedgerRepository.Draft(draft.transaction(), draft.posting().entries()));
                }
            }
            long[] ids = repository.insertTransactions(rows, now);
            repository.markReversed(reversedHere.stream().map(originals::get).toList());

            List<BatchBooked.Booked> booked = new ArrayList<>();
            List<KeyClaims.Completed> completed = new ArrayList<>();
            List<IdempotencyClaim> released = new ArrayList<>();
            int next = 0;
            for (int i = 0; i < batch.size(); i++) {
                Submission submission = batch.get(i);
                if (results[i] != null) {
                    if (claimed[i]) {
                        released.add(submission.claim());
                    }
                    continue;
                }
                Booking booking;
                if (drafts[i] == null) {
                    booking = new Booking(null, opened[i], Map.of(opened[i], 0L));
                } else {
                    LedgerTransaction tx = drafts[i].transaction().withId(ids[next++]);
                    booked.add(new BatchBooked.Booked(tx, submission.origin()));
                    Map<Long, Long> balances = new HashMap<>();
                    drafts[i].posting().accountsAfter().forEach((id, account) -> balances.put(id, account.balanceMinor()));
                    booking = new Booking(tx, submission.command() instanceof Command.Open ? opened[i] : tx.accountId(), balances);
                }
                results[i] = new Result(new Outcome(booking, null), null);
                if (submission.claim() != null) {
                    Submission.Reply reply = submission.reply().apply(booking);
                    completed.add(new KeyClaims.Completed(submission.claim(), Submission.Reply.STATUS,
                            Submission.Reply.CONTENT_TYPE, reply.location(), reply.body()));
                }
            }
            if (!booked.isEmpty()) {
                List<BatchBooked.BalanceChange> balances = new ArrayList<>();
                changed.forEach((id, account) -> balances.add(new BatchBooked.BalanceChange(id, account.balanceMinor(), versions.get(id))));
                events.publishEvent(new BatchBooked(booked, balances, now));
            }
            if (!completed.isEmpty()) {
                keys.complete(completed);
            }
            if (!released.isEmpty()) {
                keys.release(released);
            }
        }
    }

    private static TransactionType typeOf(Command command) {
        return switch (command) {
            case Command.Post post -> post.type();
            case Command.Reverse reverse -> TransactionType.REVERSAL;
            case Command.Open open -> TransactionType.DEPOSIT;
        };
    }

    /** A transaction of this batch before it has an id, with its posting. */
    private record Draft(LedgerTransaction transaction, PostingRules.Posting posting) {
    }
}
