package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.bankapi.support.ApiTest;
import org.bankapi.support.SettableClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

class PersonalDataVaultTest extends ApiTest {

    @Autowired
    PersonalDataVault vault;

    @Autowired
    TransactionTemplate transactions;

    private static long freshId() {
        return ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    }

    @Test
    void sealsEachFieldUnderTheAccountsOwnKeyAndOpensItAgain() {
        long id = freshId();
        SealedPersonalData sealed = Vaults.seal(vault, id, PersonalData.of("Grace Hopper", "grace@example.com"))
                .orElseThrow();
        assertThat(new String(sealed.holderName(), StandardCharsets.ISO_8859_1)).doesNotContain("Grace");
        assertThat(sealed.holderName()).hasSizeGreaterThan("Grace Hopper".length() + 12);
        PersonalData opened = vault.open(id, sealed);
        assertThat(opened.holderName()).isEqualTo("Grace Hopper");
        assertThat(opened.email()).isEqualTo("grace@example.com");
    }

    @Test
    void aSecondKeyForTheSameAccountIsRefusedWithoutAbortingTheTransaction() {
        long id = freshId();
        Boolean secondSealed = transactions.execute(tx -> {
            Vaults.seal(vault, id, PersonalData.of("A", null)).orElseThrow();
            boolean second = Vaults.seal(vault, id, PersonalData.of("B", null)).isPresent();
            Vaults.seal(vault, id + 1, PersonalData.of("C", null)).orElseThrow();
            return second;
        });
        assertThat(secondSealed).isFalse();
    }

    @Test
    void aCiphertextMovedToAnotherAccountDoesNotDecrypt() {
        long a = freshId();
        long b = a + 7;
        SealedPersonalData sealedA =
                Vaults.seal(vault, a, PersonalData.of("Alice", null)).orElseThrow();
        Vaults.seal(vault, b, PersonalData.of("Bob", null)).orElseThrow();
        assertThatThrownBy(() -> vault.open(b, sealedA)).isInstanceOf(CryptoException.class);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KeyEncryptionKey kek;

    @Test
    void aReplayKeyCreatedInATransactionThatRolledBackIsNeverUsedAgain() {
        SettableClock clock = new SettableClock(Instant.ofEpochMilli(2_000_000));
        PersonalDataVault here = Vaults.inline(jdbc, kek, clock);
        byte[] reply = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        transactions.executeWithoutResult(tx -> {
            // as if this were the first keyed reply ever: the key is created inside a batch that then fails
            jdbc.sql("DELETE FROM data_keys WHERE account_id = :id")
                    .param("id", PersonalDataVault.REPLAY_KEY_ACCOUNT)
                    .update();
            here.sealReplay(reply);
            tx.setRollbackOnly();
        });

        byte[] sealed = here.sealReplay(reply);

        PersonalDataVault elsewhere = Vaults.inline(jdbc, kek, clock);
        assertThat(elsewhere.openReplay(sealed))
                .as("sealed under the stored replay key, not the one rolled back")
                .isEqualTo(reply);
        clock.advance(Duration.ofMillis(PersonalDataVault.CACHED_KEY_TTL_MS + 1));
        assertThat(elsewhere.openReplay(here.sealReplay(reply)))
                .as("once its cached key expired, still sealed under the stored replay key")
                .isEqualTo(reply);
    }

    @Test
    void aBatchOfSeveralRepliesThatRolledBackLeavesNoReplayKeyBehind() {
        PersonalDataVault here = Vaults.inline(jdbc, kek, Clock.systemUTC());
        byte[] reply = "{\"id\":2}".getBytes(StandardCharsets.UTF_8);
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("DELETE FROM data_keys WHERE account_id = :id")
                    .param("id", PersonalDataVault.REPLAY_KEY_ACCOUNT)
                    .update();
            // one batch storing two replies: the second must not cache the key the first created
            byte[] first = here.sealReplay(reply);
            byte[] second = here.sealReplay(reply);
            assertThat(here.openReplay(second)).isEqualTo(reply);
            assertThat(here.openReplay(first)).isEqualTo(reply);
            tx.setRollbackOnly();
        });

        byte[] sealed = here.sealReplay(reply);

        assertThat(Vaults.inline(jdbc, kek, Clock.systemUTC()).openReplay(sealed))
                .as("sealed under the stored replay key")
                .isEqualTo(reply);
    }

    @Test
    void anErasureByAnotherInstanceTakesEffectHereOnceTheCachedKeyExpires() {
        SettableClock clock = new SettableClock(Instant.ofEpochMilli(1_000_000));
        PersonalDataVault here = Vaults.inline(jdbc, kek, clock);
        PersonalDataVault elsewhere = Vaults.inline(jdbc, kek, clock);
        long id = freshId();
        SealedPersonalData sealed =
                Vaults.seal(here, id, PersonalData.of("Ada", "ada@example.com")).orElseThrow();
        assertThat(here.open(id, sealed).holderName()).isEqualTo("Ada");

        elsewhere.erase(id);
        clock.advance(Duration.ofMillis(PersonalDataVault.CACHED_KEY_TTL_MS + 1));

        assertThat(here.open(id, sealed).erased()).isTrue();
    }

    @Test
    void erasingDestroysTheKeySoTheDataReadsAsErased() {
        long id = freshId();
        SealedPersonalData sealed = Vaults.seal(vault, id, PersonalData.of("Linus", "l@example.com"))
                .orElseThrow();
        assertThat(vault.erase(id)).isTrue();
        PersonalData erased = vault.open(id, sealed);
        assertThat(erased.erased()).isTrue();
        assertThat(erased.holderName()).isEqualTo(PersonalData.ERASED);
        assertThat(erased.email()).isNull();
        assertThat(vault.erase(id)).isFalse();
    }

    private StoredDataKey stored(long id) {
        return jdbc.sql("SELECT kek_id, wrapped_key FROM data_keys WHERE account_id = :id")
                .param("id", id)
                .query((rs, n) -> new StoredDataKey(rs.getString(1), rs.getBytes(2)))
                .single();
    }

    @Test
    void anErasureByAnotherInstanceShowsAtOnceToAReadThatBroughtTheKeysRow() {
        PersonalDataVault here = Vaults.inline(jdbc, kek, Clock.systemUTC());
        PersonalDataVault elsewhere = Vaults.inline(jdbc, kek, Clock.systemUTC());
        long id = freshId();
        SealedPersonalData sealed =
                Vaults.seal(here, id, PersonalData.of("Ada", "ada@example.com")).orElseThrow();
        assertThat(here.open(id, sealed, stored(id)).holderName()).isEqualTo("Ada");

        elsewhere.erase(id);

        assertThat(here.open(id, sealed, stored(id)).erased()).isTrue();
        assertThat(here.open(id, sealed).erased())
                .as("the key left the cache with the erasure")
                .isTrue();
    }

    @Test
    void aCachedKeyIsOnlyUsedForTheWrappingItCameFrom() {
        long id = freshId();
        SealedPersonalData sealed =
                Vaults.seal(vault, id, PersonalData.of("Grace", null)).orElseThrow();
        assertThat(vault.open(id, sealed, stored(id)).holderName()).isEqualTo("Grace");
        KeyEncryptionKey.Wrapped other = kek.wrapCurrent(Aes.newKey());
        assertThatThrownBy(() -> vault.open(id, sealed, new StoredDataKey(other.keyId(), other.wrappedKey())))
                .isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> vault.open(id, sealed, null))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("no data key");
    }

    @Test
    void aSealRolledBackLeavesNoKeyAndTheIdCanBeSealedAgain() {
        long id = freshId();
        transactions.execute(tx -> {
            Vaults.seal(vault, id, PersonalData.of("Gone", null)).orElseThrow();
            tx.setRollbackOnly();
            return null;
        });
        assertThat(jdbc.sql("SELECT count(*) FROM data_keys WHERE account_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isZero();
        SealedPersonalData sealed =
                Vaults.seal(vault, id, PersonalData.of("Kept", "k@example.com")).orElseThrow();
        assertThat(vault.open(id, sealed, stored(id)).holderName()).isEqualTo("Kept");
        assertThat(Vaults.inline(jdbc, kek, Clock.systemUTC()).open(id, sealed).email())
                .isEqualTo("k@example.com");
    }

    @Test
    void sealAllGivesEachAccountItsOwnKeyInOneInsertAndSkipsIdsThatHaveOne() {
        long taken = freshId();
        Vaults.seal(vault, taken, PersonalData.of("First", null)).orElseThrow();
        Map<Long, PersonalData> batch = new LinkedHashMap<>();
        batch.put(taken, PersonalData.of("Second", null));
        for (int i = 0; i < 20; i++) {
            batch.put(freshId(), PersonalData.of("Holder " + i, "h" + i + "@example.com"));
        }
        Map<Long, SealedPersonalData> sealed = transactions.execute(tx -> vault.sealAll(batch));

        assertThat(sealed).doesNotContainKey(taken).hasSize(20);
        Set<String> wrappings = new HashSet<>();
        Set<String> keys = new HashSet<>();
        sealed.forEach((id, data) -> {
            StoredDataKey key = stored(id);
            wrappings.add(HexFormat.of().formatHex(key.wrappedKey()));
            keys.add(HexFormat.of().formatHex(kek.unwrap(key.kekId(), key.wrappedKey())));
            PersonalData fresh = Vaults.inline(jdbc, kek, Clock.systemUTC()).open(id, data, key);
            assertThat(fresh).isEqualTo(batch.get(id));
        });
        assertThat(wrappings).hasSize(20);
        assertThat(keys).hasSize(20);
        assertThat(vault.sealAll(Map.of())).isEmpty();
    }
}
