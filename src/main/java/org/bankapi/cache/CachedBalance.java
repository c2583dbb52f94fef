package org.bankapi.cache;

/**
 * A customer balance as committed at one {@code balance_version}: the version orders the figures of
 * one account, so a store can refuse to replace a newer figure by an older one.
 */
public record CachedBalance(long accountId, long balanceMinor, long version) {

    public CachedBalance {
        if (balanceMinor < 0 || version < 0) {
            throw new IllegalStateException(
                    "account " + accountId + " balance " + balanceMinor + " at version " + version);
        }
    }
}
