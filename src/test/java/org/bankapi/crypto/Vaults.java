package org.bankapi.crypto;

import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Vaults and pools for tests that make every data key inline, as a pool of size 0 does. */
final class Vaults {

    private Vaults() {}

    /** A pool that never pre-generates. */
    static DataKeyPool inlinePool(KeyEncryptionKey kek) {
        return new DataKeyPool(kek, 0);
    }

    /** A vault of its own (a second instance, say), without a pool. */
    static PersonalDataVault inline(JdbcClient jdbc, KeyEncryptionKey kek, Clock clock) {
        return new PersonalDataVault(jdbc, kek, clock, inlinePool(kek));
    }
}
