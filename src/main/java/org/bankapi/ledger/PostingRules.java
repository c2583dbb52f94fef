package org.bankapi.ledger;

import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/**
 * The money rules, in plain Java: a movement needs two different open accounts of its currency and
 * enough available funds (balance less pending holds) on the paying side; it books two entries that
 * sum to zero. A hold reserves available funds without moving them. Applied to account states
 * read under lock, so the database write that follows cannot be refused for a rule.
 */
public final class PostingRules {

    private PostingRules() {}

    /** The entries and new balances of one movement, or a {@link ProblemException} naming the rule broken. */
    public static Posting apply(Movement movement, Map<Long, AccountState> accounts) {
        if (movement.fromAccountId() == movement.toAccountId()) {
            throw ProblemException.rule("same_account", "a transaction needs two different accounts");
        }
        AccountState from = require(accounts, movement.fromAccountId());
        AccountState to = require(accounts, movement.toAccountId());
        for (AccountState account : List.of(from, to)) {
            requireOpenIn(account, movement.amount().currency());
        }
        long amount = movement.amount().minorUnits();
        if (!from.cash() && from.availableMinor() < amount) {
            throw ProblemException.rule("insufficient_funds", "account " + from.id() + " has not enough funds");
        }
        Map<Long, AccountState> after = new HashMap<>();
        if (!from.cash()) {
            after.put(from.id(), from.withBalance(Math.subtractExact(from.balanceMinor(), amount)));
        }
        if (!to.cash()) {
            after.put(to.id(), to.withBalance(Math.addExact(to.balanceMinor(), amount)));
        }
        Posting posting = new Posting(
                movement,
                List.of(
                        new Entry(from.id(), -amount, balanceAfter(from, after)),
                        new Entry(to.id(), amount, balanceAfter(to, after))),
                after);
        return posting;
    }

    /** Reserves {@code amountMinor} of the account's available balance for a hold: the account after it. */
    public static AccountState reserve(AccountState account, Money amount) {
        requireOpenIn(account, amount.currency());
        if (account.availableMinor() < amount.minorUnits()) {
            throw ProblemException.rule(
                    "insufficient_funds", "account " + account.id() + " has not enough available funds");
        }
        return account.withHeld(Math.addExact(account.heldMinor(), amount.minorUnits()));
    }

    /** The running balance an entry records: the account's new balance; none for a cash account. */
    private static Long balanceAfter(AccountState account, Map<Long, AccountState> after) {
        return account.cash() ? null : after.get(account.id()).balanceMinor();
    }

    /** Both sides of a movement were locked (and found) before the rules run: a missing one is a bug. */
    private static AccountState require(Map<Long, AccountState> accounts, long id) {
        AccountState state = accounts.get(id);
        if (state == null) {
            throw new IllegalStateException("account " + id + " was not locked for this movement");
        }
        return state;
    }

    /** An account that takes part in a movement or a hold of {@code currency}: open, and of that currency. */
    public static void requireOpenIn(AccountState account, Currency currency) {
        if (!account.open()) {
            throw ProblemException.rule("account_closed", "account " + account.id() + " is closed");
        }
        if (!account.currency().equals(currency)) {
            throw ProblemException.rule(
                    "currency_mismatch",
                    "account " + account.id() + " holds " + account.currency().getCurrencyCode() + ", not "
                            + currency.getCurrencyCode());
        }
    }

    /** The result of one movement: its entries and the new state of each customer account it touched. */
    public record Posting(Movement movement, List<Entry> entries, Map<Long, AccountState> accountsAfter) {
        public Posting {
            long sum = 0;
            for (Entry entry : entries) {
                sum = Math.addExact(sum, entry.amountMinor());
            }
            if (sum != 0) {
                throw new IllegalStateException("entries of " + movement + " sum to " + sum + ", not zero");
            }
            entries = List.copyOf(entries);
            accountsAfter = Map.copyOf(accountsAfter);
        }
    }
}
