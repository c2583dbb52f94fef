package org.bankapi.ledger;

import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/**
 * The locked accounts of one batch as its postings change them, in arrival order: each posting sees
 * the balances the earlier ones left, and a refused posting changes nothing. Plain Java, so that a
 * batch and the same postings one by one can be compared without a database.
 */
final class BatchState {

    private final Map<Long, AccountState> accounts;
    private final Map<Long, AccountState> changed = new LinkedHashMap<>();
    private final Map<Long, Long> heldDeltas = new HashMap<>();

    BatchState(Map<Long, AccountState> locked) {
        this.accounts = new HashMap<>(locked);
    }

    /**
     * The customer account a client named, as the postings so far left it: 404 when there is none (it was
     * not locked, so it does not exist, or it is a cash account, which no client names).
     */
    AccountState customer(long id) {
        AccountState account = accounts.get(id);
        if (account == null || account.cash()) {
            throw ProblemException.notFound("account " + id);
        }
        return account;
    }

    /** Applies one movement by the posting rules; on a refusal ({@code ProblemException}) nothing changes. */
    PostingRules.Posting apply(Movement movement) {
        Currency currency = movement.amount().currency();
        AccountState cash = AccountState.cashAccount(currency);
        accounts.putIfAbsent(cash.id(), cash);
        PostingRules.Posting posting = PostingRules.apply(movement, accounts);
        accounts.putAll(posting.accountsAfter());
        changed.putAll(posting.accountsAfter());
        return posting;
    }

    /**
     * Applies a hold's capture: the hold's whole amount is released and the movement paid from it, in
     * one step, so a refusal of the movement leaves the hold and the account as they were.
     */
    PostingRules.Posting applyReleasing(Movement movement, long accountId, long releasedMinor) {
        AccountState account = accounts.get(accountId);
        Map<Long, AccountState> trial = new HashMap<>(accounts);
        trial.put(accountId, account.withHeld(Math.subtractExact(account.heldMinor(), releasedMinor)));
        AccountState cash = AccountState.cashAccount(movement.amount().currency());
        trial.putIfAbsent(cash.id(), cash);
        PostingRules.Posting posting = PostingRules.apply(movement, trial);
        trial.putAll(posting.accountsAfter());
        accounts.clear();
        accounts.putAll(trial);
        changed.put(accountId, trial.get(accountId));
        posting.accountsAfter().keySet().forEach(id -> changed.put(id, trial.get(id)));
        heldDeltas.merge(accountId, -releasedMinor, Long::sum);
        return posting;
    }

    /** Reserves a hold's amount of the account's available balance; on a refusal nothing changes. */
    void reserve(long accountId, Money amount) {
        AccountState after = PostingRules.reserve(customer(accountId), amount);
        accounts.put(accountId, after);
        changed.put(accountId, after);
        heldDeltas.merge(accountId, amount.minorUnits(), Long::sum);
    }

    /**
     * Ends a pending hold: its amount leaves the account's held_minor, and when the hold had not
     * expired ({@code reserving}) it is available again.
     */
    void release(long accountId, long amountMinor, boolean reserving) {
        AccountState account = accounts.get(accountId);
        AccountState after =
                reserving ? account.withHeld(Math.subtractExact(account.heldMinor(), amountMinor)) : account;
        accounts.put(accountId, after);
        changed.put(accountId, after);
        heldDeltas.merge(accountId, -amountMinor, Long::sum);
    }

    /** How much each changed account's held_minor moves: the sum of its holds placed less those ended. */
    Map<Long, Long> heldDeltas() {
        return Map.copyOf(heldDeltas);
    }

    /** The final state of every customer account some posting changed: one balance update each. */
    Map<Long, AccountState> changed() {
        return Map.copyOf(changed);
    }
}
