package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads every text, binary and JSON column of every table with plain SQL: no holder name or email in clear. */
class NoPersonalDataInClearTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void noTableHoldsAHolderNameOrEmailInClear() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String name = "Hedy Lamarr " + unique;
        String email = "hedy." + unique + "@example.com";
        Api.Response opened = api.as(bank.admin())
                .header("Idempotency-Key", "open-" + unique)
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                "owner-" + unique,
                                "holder_name",
                                name,
                                "email",
                                email,
                                "initial_deposit",
                                "20"));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
        long id = opened.json().get("id").asLong();
        Api.Response replay = api.as(bank.admin())
                .header("Idempotency-Key", "open-" + unique)
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                "owner-" + unique,
                                "holder_name",
                                name,
                                "email",
                                email,
                                "initial_deposit",
                                "20"));
        assertThat(replay.header("Idempotent-Replayed"))
                .as(replay + " " + replay.raw().headers().map())
                .isEqualTo("true");
        assertThat(replay.json().get("holder_name").asString())
                .as("the encrypted replay still reads back")
                .isEqualTo(name);
        long other = bank.openAccount(Bank.newOwner(), null);
        assertThat(bank.transfer(bank.admin(), id, other, "5").status()).isEqualTo(201);
        // let the audit sealer seal every row, so its table is read complete
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> jdbc.sql(
                                        "SELECT count(*) FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = a.id)")
                                .query(Long.class)
                                .single()
                        == 0);

        record Column(String table, String column, String type) {}
        List<Column> columns = jdbc.sql("""
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                  JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                   AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')""")
                .query((rs, n) -> new Column(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
        assertThat(columns)
                .extracting(Column::table)
                .contains("accounts_low", "audit_log", "idempotency_keys", "data_keys");

        List<String> leaks = new ArrayList<>();
        for (Column c : columns) {
            String value = "bytea".equals(c.type())
                    ? "encode(\"" + c.column() + "\", 'escape')"
                    : "\"" + c.column() + "\"::text";
            for (String secret : List.of(name, email, "Hedy Lamarr")) {
                long hits = jdbc.sql(
                                "SELECT count(*) FROM \"" + c.table() + "\" WHERE strpos(" + value + ", :secret) > 0")
                        .param("secret", secret)
                        .query(Long.class)
                        .single();
                if (hits > 0) {
                    leaks.add(c.table() + "." + c.column() + " holds " + secret);
                }
            }
        }
        assertThat(leaks).isEmpty();
        assertThat(api.as(bank.admin())
                        .get("/accounts/" + id)
                        .json()
                        .get("holder_name")
                        .asString())
                .isEqualTo(name);
    }
}
