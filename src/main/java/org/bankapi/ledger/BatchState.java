package org.bankapi.ledger;

import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The locked accounts of one batch as its postings change them, in arrival order: each posting sees
 * the balances the earlier ones left, and a refused posting changes nothing. Plain Java, so that a
 * batch and the same postings one by one can be compared without a database.
 */
final class BatchState {

    private final Map<Long, AccountState> accounts;
    private final Map<Long, AccountState> changed = new LinkedHashMap<>();

    BatchState(Map<Long, AccountState> locked) {
        this.accounts = new HashMap<>(locked);
    }

    /** The account as the postings so far left it, or null when it was not locked (does not exist). */
    AccountState get(long id) {
        return accounts.get(id);
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

    /** The final state of every customer account some posting changed: one balance update each. */
    Map<Long, AccountState> changed() {
        return Map.copyOf(changed);
    }
}
