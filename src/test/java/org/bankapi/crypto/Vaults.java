package org.bankapi.crypto;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Vaults for tests: without a pool (every data key made inline), and one account sealed at a time. */
final class Vaults {

    private Vaults() {}

    /** A pool that never pre-generates. */
    static DataKeyPool inlinePool(KeyEncryptionKey kek) {
        return new DataKeyPool(kek, 0);
    }

    /** Seals one account's data as an opening does (its data key created now); empty when the id has a key. */
    static Optional<SealedPersonalData> seal(PersonalDataVault vault, long accountId, PersonalData data) {
        return Optional.ofNullable(vault.sealAll(Map.of(accountId, data)).get(accountId));
    }

    /** A vault of its own (a second instance, say), without a pool. */
    static PersonalDataVault inline(JdbcClient jdbc, KeyEncryptionKey kek, Clock clock) {
        return new PersonalDataVault(jdbc, kek, clock, inlinePool(kek));
    }
}
