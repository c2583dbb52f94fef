package org.bankapi.cache;

import java.util.List;

/** One-account reads of the cache and of its store, for tests. */
final class BalanceCaches {

    private BalanceCaches() {}

    /** The balance the cache shows for an account whose row (with its balance and version) was just read. */
    static long balance(BalanceCache cache, CachedBalance fromDatabase) {
        return cache.balances(List.of(fromDatabase)).get(fromDatabase.accountId());
    }

    /** The raw entry the store holds for the account, or null. */
    static CachedBalance peek(BalanceStore store, long accountId) {
        return store.get(List.of(accountId)).get(accountId);
    }
}
