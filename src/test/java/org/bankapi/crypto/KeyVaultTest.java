package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.bankapi.config.ConfigurationException;
import org.bankapi.support.Api;
import org.bankapi.support.CloudTest;
import org.bankapi.support.KeyVaultStandIn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Personal data under a Key Vault key, through the real Azure SDK against an HTTPS stand-in that really wraps. */
class KeyVaultTest extends CloudTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KeyEncryptionKey kek;

    @Autowired
    KeyRotation rotation;

    @Autowired
    KeyVaultKey.Transport transport;

    private long open(String holder, String email, String deposit) {
        Api.Response opened = api().as(azureToken(newSubject(), List.of("Admin")))
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                newSubject(),
                                "holder_name",
                                holder,
                                "email",
                                email,
                                "initial_deposit",
                                deposit));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
        return opened.json().get("id").asLong();
    }

    private String kekId(long account) {
        return jdbc.sql("SELECT kek_id FROM data_keys WHERE account_id = :id")
                .param("id", account)
                .query(String.class)
                .single();
    }

    /** Reads the account's personal data with nothing cached, so the data key is unwrapped by the vault. */
    private PersonalData readFresh(long account) {
        SealedPersonalData sealed = jdbc.sql("SELECT holder_name, email FROM accounts WHERE id = :id")
                .param("id", account)
                .query((rs, n) -> new SealedPersonalData(rs.getBytes(1), rs.getBytes(2)))
                .single();
        return Vaults.inline(jdbc, kek, Clock.systemUTC()).open(account, sealed);
    }

    @Test
    void wrapsEachDataKeyWithTheVaultKeyAndUnwrapsThroughTheVault() {
        assertThat(kek).isInstanceOf(KeyVaultKey.class);
        long account = open("Katherine Johnson", "kj@example.com", "10");
        assertThat(kekId(account)).startsWith(KEY_VAULT.url() + "/keys/" + KEY_NAME + "/");
        int unwrapsBefore = KEY_VAULT.unwrapCalls.get();
        PersonalData data = readFresh(account);
        assertThat(data.holderName()).isEqualTo("Katherine Johnson");
        assertThat(data.email()).isEqualTo("kj@example.com");
        assertThat(KEY_VAULT.unwrapCalls.get()).isGreaterThan(unwrapsBefore);
    }

    @Test
    void thePoolPreWrapsDataKeysThroughTheVaultSoAnOpeningDoesNotWaitForIt() {
        // a pool of its own, so the test waits only for its four keys, whatever the context's pool is doing
        DataKeyPool pool = new DataKeyPool(kek, 4);
        PoolMeters meters = PoolMeters.of(pool);
        int wrapsBefore = KEY_VAULT.wrapCalls.get();
        pool.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> meters.size() == 4);
            assertThat(KEY_VAULT.wrapCalls.get() - wrapsBefore)
                    .as("each key wrapped by the vault ahead of need")
                    .isGreaterThanOrEqualTo(4);
            DataKeyPool.FreshKey key = pool.take();
            assertThat(meters.madeInline()).as("the key came from the pool").isZero();
            assertThat(key.kekId()).startsWith(KEY_VAULT.url() + "/keys/" + KEY_NAME + "/");
            assertThat(kek.unwrap(key.kekId(), key.wrappedKey()))
                    .as("the vault unwraps it to the same key")
                    .isEqualTo(key.key());
            assertThat(pool.take().key()).as("a key is handed out once").isNotEqualTo(key.key());
        } finally {
            pool.stop();
        }
    }

    @Test
    void aDataKeyDoesNotUnwrapUnderAnotherKey() throws Exception {
        long account = open("Dorothy Vaughan", "dv@example.com", "1");
        byte[] wrapped = jdbc.sql("SELECT wrapped_key FROM data_keys WHERE account_id = :id")
                .param("id", account)
                .query(byte[].class)
                .single();
        String otherKey = KEY_VAULT.rotate("another-key");
        assertThatThrownBy(() -> kek.unwrap(otherKey, wrapped)).isInstanceOf(CryptoException.class);
    }

    @Test
    void rotationRewrapsEveryLiveDataKeyUnderTheNewestVersionAndTheDataStaysReadable() throws Exception {
        long account = open("Mary Jackson", "mj@example.com", "5");
        long erased = open("Erased Person", "erased@example.com", "5");
        assertThat(api().as(azureToken(newSubject(), List.of("Admin")))
                        .delete("/accounts/" + erased + "/personal-data")
                        .status())
                .isEqualTo(204);
        String before = kekId(account);

        String newVersion = KEY_VAULT.rotate(KEY_NAME);
        KeyRotation.Result result = rotation.rotate();

        assertThat(result.currentKeyId()).isEqualTo(newVersion).isNotEqualTo(before);
        assertThat(result.rewrapped()).isGreaterThanOrEqualTo(1);
        assertThat(kekId(account)).isEqualTo(newVersion);
        assertThat(jdbc.sql("SELECT count(*) FROM data_keys WHERE wrapped_key IS NOT NULL AND kek_id <> :k")
                        .param("k", newVersion)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(readFresh(account).holderName()).isEqualTo("Mary Jackson");
        assertThat(readFresh(erased).erased()).isTrue();
        assertThat(kek.currentId()).isEqualTo(newVersion);
        assertThat(rotation.rewrapAll(newVersion))
                .as("a second run has nothing left to do")
                .isZero();
        long openedAfter = open("Annie Easley", "ae@example.com", "1");
        assertThat(kekId(openedAfter))
                .as("pre-wrapped keys of the old version are never handed out")
                .isEqualTo(newVersion);
        assertThat(readFresh(openedAfter).holderName()).isEqualTo("Annie Easley");
    }

    @Test
    void erasureDestroysTheKeyAndKeepsTheLedger() {
        Api api = api();
        String admin = azureToken(newSubject(), List.of("Admin"));
        long account = open("Ada Erased", "ada.erased@example.com", "42.50");
        assertThat(api.as(admin)
                        .delete("/accounts/" + account + "/personal-data")
                        .status())
                .isEqualTo(204);

        JsonNode view = api.as(admin).get("/accounts/" + account).json();
        assertThat(view.get("holder_name").asString()).isEqualTo(PersonalData.ERASED);
        assertThat(view.get("email").isNull()).isTrue();
        assertThat(view.get("balance").asString()).isEqualTo("42.50");
        assertThat(api.as(admin)
                        .get("/transactions?account_id=" + account)
                        .json()
                        .get("items"))
                .hasSize(1);
        assertThat(jdbc.sql("SELECT wrapped_key IS NULL FROM data_keys WHERE account_id = :id")
                        .param("id", account)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(readFresh(account).erased()).isTrue();
        assertThat(api.as(admin).get("/audit/verify").json().get("valid").asBoolean())
                .isTrue();
    }

    @Test
    void anUnreachableVaultStopsTheStartWhenEncryptedDataExists() {
        open("Someone", "someone@example.com", "1");
        KeyVaultKey fresh = new KeyVaultKey(URI.create(KEY_VAULT.url()), KEY_NAME, transport, () -> {
            throw new AssertionError("never falls back to another key");
        });
        KEY_VAULT.down(true);
        try {
            KeyVaultStartupCheck check = new KeyVaultStartupCheck(fresh, jdbc, null);
            assertThatThrownBy(check::afterSingletonsInstantiated)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith(
                            "KEY_VAULT_URL: Key Vault is unreachable while encrypted personal data exists");
        } finally {
            KEY_VAULT.down(false);
        }
    }

    @Test
    void theStandInRefusesAWrongBearer() throws Exception {
        var response = HttpClient.newBuilder()
                .sslContext(sslTrusting())
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(KEY_VAULT.url() + "/keys/" + KEY_NAME))
                                .header("Authorization", "Bearer wrong")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(KeyVaultStandIn.TOKEN).isNotEqualTo("wrong");
    }

    private static SSLContext sslTrusting() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, KEY_VAULT.trustManagers().getTrustManagers(), null);
        return ssl;
    }
}
