package org.bankapi.crypto;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A data key pool as its own meters show it (what a dashboard sees), for tests. */
final class PoolMeters {

    private final MeterRegistry registry;

    private PoolMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of a pool that no registry has bound yet. */
    static PoolMeters of(DataKeyPool pool) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        pool.bindTo(registry);
        return new PoolMeters(registry);
    }

    /** The meters of the pool a running service bound to its registry. */
    static PoolMeters in(MeterRegistry registry) {
        return new PoolMeters(registry);
    }

    /** Pre-wrapped keys ready now. */
    int size() {
        return (int) registry.get("data.key.pool.size").gauge().value();
    }

    /** Keys made on the request path because the pool was empty. */
    long madeInline() {
        return (long)
                registry.get("data.key.pool.made.inline").functionCounter().count();
    }

    /** Keys dropped because the key-encryption key version changed. */
    long discarded() {
        return (long) registry.get("data.key.pool.discarded").functionCounter().count();
    }
}
