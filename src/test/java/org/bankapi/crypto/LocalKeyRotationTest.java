package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** rotate-keys with the local key file: a new kek-N.key, every live data key re-wrapped, the data readable. */
class LocalKeyRotationTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KeyRotation rotation;

    @Autowired
    KeyEncryptionKey kek;

    @Test
    void rotateKeysRewrapsUnderANewKeyFileVersion() {
        long account = new Bank(api()).openAccount(Bank.newOwner(), "3");
        String before = jdbc.sql("SELECT kek_id FROM data_keys WHERE account_id = :id")
                .param("id", account)
                .query(String.class)
                .single();
        KeyRotation.Result result = rotation.rotate();
        assertThat(result.currentKeyId()).startsWith("local:kek-").isNotEqualTo(before);
        assertThat(jdbc.sql("SELECT kek_id FROM data_keys WHERE account_id = :id")
                        .param("id", account)
                        .query(String.class)
                        .single())
                .isEqualTo(result.currentKeyId());
        SealedPersonalData sealed = jdbc.sql("SELECT holder_name, email FROM accounts WHERE id = :id")
                .param("id", account)
                .query((rs, n) -> new SealedPersonalData(rs.getBytes(1), rs.getBytes(2)))
                .single();
        assertThat(Vaults.inline(jdbc, kek, Clock.systemUTC())
                        .open(account, sealed)
                        .email())
                .isEqualTo("holder@example.com");

        long openedAfter = new Bank(api()).openAccount(Bank.newOwner(), null);
        assertThat(jdbc.sql("SELECT kek_id FROM data_keys WHERE account_id = :id")
                        .param("id", openedAfter)
                        .query(String.class)
                        .single())
                .as("pre-wrapped keys of the old key file are discarded, never handed out")
                .isEqualTo(result.currentKeyId());
        assertThat(new Bank(api()).account(openedAfter).get("email").asString()).isEqualTo("holder@example.com");
    }
}
