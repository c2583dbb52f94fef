package org.bankapi.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Books one batch in one database transaction, taking its locks in one order on every instance so that
 * two batches never deadlock. The steps: README, "The posting engine (group commit)".
 */
@Component
class BatchWriter {

    private final LedgerRepository repository;
    private final KeyClaims keys;
    private final ApplicationEventPublisher events;
    private final LedgerMetrics metrics;
    private final TransactionTemplate inTransaction;
    private final Clock clock;

    BatchWriter(
            LedgerRepository repository,
            KeyClaims keys,
            ApplicationEventPublisher events,
            LedgerMetrics metrics,
            TransactionTemplate inTransaction,
            Clock clock) {
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

    /**
     * Books one submission exactly as {@link #write} would and rolls the transaction back: the warm-up's
     * rehearsal of the write path. Listeners that run after a commit (balance cache, metrics, the outbox
     * relay's wake-up) never hear of it; what was written inside the transaction is undone with it.
     */
    Result rehearse(Submission submission) {
        return inTransaction.execute(status -> {
            status.setRollbackOnly();
            return new Attempt(List.of(submission)).run().getFirst();
        });
    }

    /** A submission's answer: an outcome, or the refusal it met. */
    record Result(Outcome outcome, ProblemException refusal) {}

    /** The state of one try at one batch; a retry starts a new one. */
    private final class Attempt {
        private final List<Submission> batch;
        private final Result[] results;
        /** keys of the requests the posting rules refused: checked against other holders, never kept */
        private final List<IdempotencyClaim> refusedKeys = new ArrayList<>();
        /**
         * The batch's booking instant, read once it holds its accounts' locks: whoever books on one of
         * them next locks after this commit and so reads a later clock (statements rely on time order
         * being booking order within an account).
         */
        private Instant now;

        Attempt(List<Submission> batch) {
            this.batch = batch;
            this.results = new Result[batch.size()];
        }

        List<Result> run() {
            repository.planGenerically();
            lookUpKeys();
            long[] opened = openAccounts();
            Map<Long, LedgerTransaction> originals = repository.lockTransactions(reversalTargets());
            Map<Long, Hold> holds = new HashMap<>(repository.lockHolds(holdTargets()));
            BatchState state = new BatchState(repository.lockAccounts(
                    customerAccounts(opened, originals, holds),
                    () -> now = clock.instant().truncatedTo(ChronoUnit.MICROS)));
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
                        case Command.PlaceHold place -> place(place, state);
                        case Command.CaptureHold capture -> capture(capture, holds, state);
                        case Command.VoidHold release -> end(release.holdId(), HoldStatus.VOIDED, holds, state);
                        case Command.ExpireHold expire -> end(expire.holdId(), HoldStatus.EXPIRED, holds, state);
                    };
                } catch (ProblemException refusal) {
                    if (batch.get(i).command() instanceof Command.Open) {
                        throw new IllegalStateException(
                                "the initial deposit of a new account was refused: " + refusal.code());
                    }
                    metrics.refused(batch.get(i).command());
                    results[i] = new Result(null, refusal);
                    if (batch.get(i).claim() != null) {
                        refusedKeys.add(batch.get(i).claim());
                    }
                }
            }
            write(drafts, originals, reversedHere, state, opened);
            return List.of(results);
        }

        /** Replays and conflicts are answered before anything is locked; new keys are stored last, in {@link #write}. */
        private void lookUpKeys() {
            List<IdempotencyClaim> claims = new ArrayList<>();
            for (Submission s : batch) {
                if (s.claim() != null) {
                    claims.add(s.claim());
                }
            }
            if (claims.isEmpty()) {
                return;
            }
            Map<IdempotencyClaim.Id, StoredReply> earlier = keys.lookUp(claims);
            for (int i = 0; i < batch.size(); i++) {
                IdempotencyClaim claim = batch.get(i).claim();
                if (claim == null) {
                    continue;
                }
                StoredReply stored = earlier.get(claim.id());
                if (stored == null) {
                    continue;
                }
                if (claim.sameRequest(stored.requestHash())) {
                    results[i] = new Result(new Outcome(null, stored), null);
                } else {
                    results[i] = new Result(
                            null,
                            ProblemException.conflict(
                                    "idempotency_conflict",
                                    "this Idempotency-Key was used with another request; use a new key"));
                }
            }
        }

        /** Every opening of the batch, one call per opener (in practice one: the account feature). */
        private long[] openAccounts() {
            long[] opened = new long[batch.size()];
            Map<Command.AccountOpener, List<Integer>> byOpener = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] == null && batch.get(i).command() instanceof Command.Open open) {
                    byOpener.computeIfAbsent(open.opening().opener(), o -> new ArrayList<>())
                            .add(i);
                }
            }
            byOpener.forEach((opener, indexes) -> {
                List<Command.AccountOpening> openings = indexes.stream()
                        .map(i -> ((Command.Open) batch.get(i).command()).opening())
                        .toList();
                long[] ids = opener.insertAll(openings);
                if (ids.length != indexes.size()) {
                    throw new IllegalStateException("opened " + ids.length + " of " + indexes.size() + " accounts");
                }
                for (int k = 0; k < ids.length; k++) {
                    opened[indexes.get(k)] = ids[k];
                }
            });
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

        private List<Long> holdTargets() {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] == null) {
                    switch (batch.get(i).command()) {
                        case Command.CaptureHold capture -> ids.add(capture.holdId());
                        case Command.VoidHold release -> ids.add(release.holdId());
                        case Command.ExpireHold expire -> ids.add(expire.holdId());
                        default -> {}
                    }
                }
            }
            return ids;
        }

        private Set<Long> customerAccounts(
                long[] opened, Map<Long, LedgerTransaction> originals, Map<Long, Hold> holds) {
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
                    case Command.PlaceHold place -> {
                        ids.add(place.accountId());
                        if (place.targetAccountId() != null) {
                            ids.add(place.targetAccountId());
                        }
                    }
                    case Command.CaptureHold capture -> addAccountsOf(holds.get(capture.holdId()), ids);
                    case Command.VoidHold release -> addAccountsOf(holds.get(release.holdId()), ids);
                    case Command.ExpireHold expire -> addAccountsOf(holds.get(expire.holdId()), ids);
                }
            }
            ids.removeIf(AccountState::isCashAccountId);
            return ids;
        }

        private Draft post(Command.Post post, BatchState state) {
            AccountState named = state.customer(post.accountId());
            if (post.requiredOwner() != null && !post.requiredOwner().equals(named.ownerId())) {
                throw ProblemException.forbidden("account " + post.accountId() + " belongs to someone else");
            }
            if (post.targetAccountId() != null) {
                state.customer(post.targetAccountId());
            }
            Money amount = post.amount().in(named.currency());
            LedgerTransaction draft = new LedgerTransaction(
                    0,
                    post.type(),
                    TransactionStatus.COMPLETED,
                    amount,
                    post.accountId(),
                    post.targetAccountId(),
                    post.description(),
                    null,
                    now);
            return new Draft(draft, state.apply(draft.movement()));
        }

        private Draft reverse(
                Command.Reverse reverse,
                Map<Long, LedgerTransaction> originals,
                Set<Long> reversedHere,
                BatchState state) {
            long id = reverse.transactionId();
            LedgerTransaction original = originals.get(id);
            if (original == null) {
                throw ProblemException.notFound("transaction " + id);
            }
            if (original.type() == TransactionType.REVERSAL) {
                throw ProblemException.rule("not_reversible", "a reversal cannot itself be reversed");
            }
            if (original.status() == TransactionStatus.REVERSED || reversedHere.contains(id)) {
                throw ProblemException.conflict("already_reversed", "transaction " + id + " is already reversed");
            }
            Movement forward = original.movement();
            Movement backward = new Movement(forward.toAccountId(), forward.fromAccountId(), forward.amount());
            String description =
                    reverse.description() != null ? reverse.description() : "reversal of transaction " + id;
            LedgerTransaction draft = new LedgerTransaction(
                    0,
                    TransactionType.REVERSAL,
                    TransactionStatus.COMPLETED,
                    original.amount(),
                    original.accountId(),
                    original.targetAccountId(),
                    description,
                    id,
                    now);
            PostingRules.Posting posting = state.apply(backward);
            reversedHere.add(id);
            return new Draft(draft, posting);
        }

        private static void addAccountsOf(Hold hold, Set<Long> ids) {
            if (hold != null) {
                ids.add(hold.accountId());
                if (hold.targetAccountId() != null) {
                    ids.add(hold.targetAccountId());
                }
            }
        }

        private Draft place(Command.PlaceHold place, BatchState state) {
            AccountState account = state.customer(place.accountId());
            if (place.requiredOwner() != null && !place.requiredOwner().equals(account.ownerId())) {
                throw ProblemException.forbidden("account " + place.accountId() + " belongs to someone else");
            }
            Money amount = place.amount().in(account.currency());
            if (place.targetAccountId() != null) {
                if (place.targetAccountId() == place.accountId()) {
                    throw ProblemException.rule("same_account", "a hold's target must be another account");
                }
                PostingRules.requireOpenIn(state.customer(place.targetAccountId()), amount.currency());
            }
            state.reserve(account.id(), amount);
            Hold hold = new Hold(
                    0,
                    place.accountId(),
                    place.targetAccountId(),
                    amount,
                    HoldStatus.PENDING,
                    null,
                    place.description(),
                    now.plus(place.expiresIn()),
                    now,
                    null,
                    null);
            return Draft.ofHold(hold, "hold.created");
        }

        private Draft capture(Command.CaptureHold capture, Map<Long, Hold> holds, BatchState state) {
            Hold hold = pendingHold(capture.holdId(), holds);
            long capturedMinor = hold.amount().minorUnits();
            if (capture.amount() != null) {
                Money captured;
                try {
                    captured = Money.ofPositive(capture.amount(), hold.amount().currency());
                } catch (InvalidAmountException e) {
                    throw ProblemException.validation("amount", e.getMessage());
                }
                if (captured.minorUnits() > hold.amount().minorUnits()) {
                    throw ProblemException.validation(
                            "amount",
                            "must be at most the held amount " + hold.amount().toPlainString());
                }
                capturedMinor = captured.minorUnits();
            }
            Money amount = Money.ofMinor(capturedMinor, hold.amount().currency());
            TransactionType type =
                    hold.targetAccountId() == null ? TransactionType.WITHDRAWAL : TransactionType.TRANSFER;
            String description = hold.description() != null ? hold.description() : "capture of hold " + hold.id();
            LedgerTransaction draft = new LedgerTransaction(
                    0,
                    type,
                    TransactionStatus.COMPLETED,
                    amount,
                    hold.accountId(),
                    hold.targetAccountId(),
                    description,
                    null,
                    now,
                    hold.id());
            PostingRules.Posting posting = state.applyReleasing(
                    draft.movement(), hold.accountId(), hold.amount().minorUnits());
            holds.put(hold.id(), hold.settled(HoldStatus.CAPTURED, capturedMinor, 0L, now));
            return new Draft(
                    draft, posting, hold.settled(HoldStatus.CAPTURED, capturedMinor, 0L, now), "hold.captured");
        }

        /** Voids a pending hold, or expires one past its expiry (the sweeper); either way its funds are free. */
        private Draft end(long holdId, HoldStatus ending, Map<Long, Hold> holds, BatchState state) {
            Hold hold = holds.get(holdId);
            if (hold == null) {
                throw ProblemException.notFound("hold " + holdId);
            }
            if (ending == HoldStatus.EXPIRED) {
                if (hold.status() != HoldStatus.PENDING || hold.reservesAt(now)) {
                    throw ProblemException.conflict(
                            "hold_not_pending", "hold " + holdId + " is not a pending hold past its expiry");
                }
                state.release(hold.accountId(), hold.amount().minorUnits(), false);
            } else {
                hold = pendingHold(holdId, holds);
                state.release(hold.accountId(), hold.amount().minorUnits(), true);
            }
            Hold ended = hold.settled(ending, null, null, now);
            holds.put(holdId, ended);
            return Draft.ofHold(ended, ending == HoldStatus.EXPIRED ? "hold.expired" : "hold.voided");
        }

        /** The hold, if it still reserves its funds now: else 404, 409 hold_expired or 409 hold_not_pending. */
        private Hold pendingHold(long holdId, Map<Long, Hold> holds) {
            Hold hold = holds.get(holdId);
            if (hold == null) {
                throw ProblemException.notFound("hold " + holdId);
            }
            HoldStatus status = hold.statusAt(now);
            if (status == HoldStatus.EXPIRED) {
                throw ProblemException.conflict("hold_expired", "hold " + holdId + " expired at " + hold.expiresAt());
            }
            if (status != HoldStatus.PENDING) {
                throw ProblemException.conflict("hold_not_pending", "hold " + holdId + " is " + status.wireName());
            }
            return hold;
        }

        private Draft deposit(long accountId, Money initialDeposit, BatchState state) {
            if (initialDeposit == null) {
                return null;
            }
            LedgerTransaction draft = new LedgerTransaction(
                    0,
                    TransactionType.DEPOSIT,
                    TransactionStatus.COMPLETED,
                    initialDeposit,
                    accountId,
                    null,
                    "initial deposit",
                    null,
                    now);
            return new Draft(draft, state.apply(draft.movement()));
        }

        private void write(
                Draft[] drafts,
                Map<Long, LedgerTransaction> originals,
                Set<Long> reversedHere,
                BatchState state,
                long[] opened) {
            Map<Long, AccountState> changed = state.changed();
            Map<Long, Long> versions = repository.updateBalances(changed.values(), state.heldDeltas());
            List<LedgerRepository.Draft> rows = new ArrayList<>();
            List<Hold> placed = new ArrayList<>();
            for (Draft draft : drafts) {
                if (draft != null && draft.transaction() != null) {
                    rows.add(new LedgerRepository.Draft(
                            draft.transaction(), draft.posting().entries()));
                }
                if (draft != null && "hold.created".equals(draft.holdEvent())) {
                    placed.add(draft.hold());
                }
            }
            long[] ids = repository.insertTransactions(rows, now);
            long[] holdIds = repository.insertHolds(placed);
            repository.markReversed(reversedHere.stream().map(originals::get).toList());

            List<BatchBooked.Booked> booked = new ArrayList<>();
            List<Hold> settled = new ArrayList<>();
            List<KeyClaims.Completed> completed = new ArrayList<>();
            int nextTx = 0;
            int nextHold = 0;
            for (int i = 0; i < batch.size(); i++) {
                Submission submission = batch.get(i);
                if (results[i] != null) {
                    continue;
                }
                Draft draft = drafts[i];
                LedgerTransaction tx = null;
                Hold hold = null;
                Map<Long, Long> balances = new HashMap<>();
                if (draft == null) {
                    balances.put(opened[i], 0L);
                } else {
                    if (draft.transaction() != null) {
                        tx = draft.transaction().withId(ids[nextTx++]);
                        draft.posting()
                                .accountsAfter()
                                .forEach((id, account) -> balances.put(id, account.balanceMinor()));
                    }
                    if (draft.hold() != null) {
                        hold = "hold.created".equals(draft.holdEvent())
                                ? draft.hold().withId(holdIds[nextHold++])
                                : tx != null
                                        ? draft.hold()
                                                .settled(
                                                        HoldStatus.CAPTURED,
                                                        draft.hold().capturedMinor(),
                                                        tx.id(),
                                                        now)
                                        : draft.hold();
                        if (!"hold.created".equals(draft.holdEvent())) {
                            settled.add(hold);
                        }
                    }
                    booked.add(new BatchBooked.Booked(
                            tx, hold, hold == null ? null : draft.holdEvent(), submission.origin()));
                }
                long named = switch (submission.command()) {
                    case Command.Open open -> opened[i];
                    default -> tx != null ? tx.accountId() : hold.accountId();
                };
                Booking booking = new Booking(tx, hold, named, balances);
                results[i] = new Result(new Outcome(booking, null), null);
                if (submission.claim() != null) {
                    Submission.Reply reply = submission.reply().apply(booking);
                    completed.add(new KeyClaims.Completed(
                            submission.claim(),
                            reply.status(),
                            Submission.Reply.CONTENT_TYPE,
                            reply.location(),
                            reply.body()));
                }
            }
            repository.settleHolds(settled);
            if (!booked.isEmpty()) {
                List<BatchBooked.BalanceChange> balances = new ArrayList<>();
                changed.forEach((id, account) ->
                        balances.add(new BatchBooked.BalanceChange(id, account.balanceMinor(), versions.get(id))));
                events.publishEvent(new BatchBooked(booked, balances, now));
            }
            // the last statement that can wait for another transaction: every lock of the batch is held by now
            keys.store(completed, refusedKeys, now);
        }
    }

    /**
     * What one command of this batch will write, before it has ids: a transaction with its posting, a
     * hold with its event, or both (a capture).
     */
    private record Draft(LedgerTransaction transaction, PostingRules.Posting posting, Hold hold, String holdEvent) {
        Draft(LedgerTransaction transaction, PostingRules.Posting posting) {
            this(transaction, posting, null, null);
        }

        static Draft ofHold(Hold hold, String holdEvent) {
            return new Draft(null, null, hold, holdEvent);
        }
    }
}
