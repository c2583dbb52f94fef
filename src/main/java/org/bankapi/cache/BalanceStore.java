package org.bankapi.cache;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where cached balances live: Redis (shared by every instance) or this process. Failures throw. */
interface BalanceStore extends AutoCloseable {

    /** The cached entries of these accounts; accounts without a live entry are absent. */
    Map<Long, CachedBalance> get(List<Long> accountIds);

    /** Stores each entry with the time to live, unless the store already holds that version or a newer one. */
    void putIfNewer(Collection<CachedBalance> entries);

    @Override
    default void close() {}
}
