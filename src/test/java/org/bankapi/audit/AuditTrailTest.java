package org.bankapi.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class AuditTrailTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    private record Row(String principal, String action, String resource, String outcome, String code, String details) {}

    private List<Row> rows(String requestId) {
        return jdbc.sql(
                        "SELECT principal, action, resource, outcome, code, details FROM audit_log WHERE request_id = :r ORDER BY id")
                .param("r", requestId)
                .query((rs, n) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    private static String rid() {
        return "audit-" + UUID.randomUUID();
    }

    @Test
    void auditsEveryKindOfChangeWithWhoWhatAndOutcome() {
        Api api = api();
        String adminSub = "auditor-admin-" + UUID.randomUUID();
        String admin = api.token(adminSub, "admin");
        String owner = Bank.newOwner();

        String open = rid();
        Api.Response opened = api.as(admin)
                .header("X-Request-Id", open)
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                owner,
                                "holder_name",
                                "Grace Hopper",
                                "email",
                                "grace@example.com",
                                "initial_deposit",
                                "100"));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
        long account = opened.json().get("id").asLong();
        assertThat(rows(open)).extracting(Row::action).containsExactly("account.opened", "transaction.deposit");
        assertThat(rows(open)).allSatisfy(r -> {
            assertThat(r.principal()).isEqualTo(adminSub);
            assertThat(r.outcome()).isEqualTo("succeeded");
        });
        assertThat(rows(open).get(0).resource()).isEqualTo("/accounts/" + account);

        long other = new Bank(api).openAccount(Bank.newOwner(), null);
        String customer = api.token(owner, "customer");
        String transfer = rid();
        Api.Response moved = api.as(customer)
                .header("X-Request-Id", transfer)
                .post(
                        "/transactions",
                        Map.of("type", "transfer", "account_id", account, "target_account_id", other, "amount", "30"));
        assertThat(moved.status()).isEqualTo(201);
        long txId = moved.json().get("id").asLong();
        Row transferRow = rows(transfer).getFirst();
        assertThat(transferRow.action()).isEqualTo("transaction.transfer");
        assertThat(transferRow.principal()).isEqualTo(owner);
        assertThat(transferRow.resource()).isEqualTo("/transactions/" + txId);
        assertThat(transferRow.details()).contains("\"amount\":\"30.00\"").contains("\"target_account_id\":" + other);

        String withdraw = rid();
        assertThat(api.as(customer)
                        .header("X-Request-Id", withdraw)
                        .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", "10"))
                        .status())
                .isEqualTo(201);
        assertThat(rows(withdraw)).extracting(Row::action).containsExactly("transaction.withdrawal");

        String reverse = rid();
        assertThat(api.as(admin)
                        .header("X-Request-Id", reverse)
                        .post("/transactions/" + txId + "/reverse", Map.of())
                        .status())
                .isEqualTo(201);
        assertThat(rows(reverse)).extracting(Row::action).containsExactly("transaction.reversal");

        String refused = rid();
        Api.Response tooMuch = api.as(customer)
                .header("X-Request-Id", refused)
                .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", "1000000"));
        assertThat(tooMuch.code()).isEqualTo("insufficient_funds");
        assertThat(rows(refused)).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("refused");
            assertThat(r.code()).isEqualTo("insufficient_funds");
            assertThat(r.principal()).isEqualTo(owner);
            assertThat(r.action()).isEqualTo("POST /transactions");
        });

        String forbidden = rid();
        assertThat(api.as(customer)
                        .header("X-Request-Id", forbidden)
                        .post("/accounts/" + other + "/close", null)
                        .status())
                .isEqualTo(403);
        assertThat(rows(forbidden)).singleElement().extracting(Row::code).isEqualTo("forbidden");

        String erase = rid();
        assertThat(api.as(admin)
                        .header("X-Request-Id", erase)
                        .delete("/accounts/" + account + "/personal-data")
                        .status())
                .isEqualTo(204);
        assertThat(rows(erase)).extracting(Row::action).containsExactly("account.personal_data_erased");

        long empty = new Bank(api).openAccount(Bank.newOwner(), null);
        String close = rid();
        assertThat(api.as(admin)
                        .header("X-Request-Id", close)
                        .post("/accounts/" + empty + "/close", null)
                        .status())
                .isEqualTo(200);
        assertThat(rows(close)).extracting(Row::action).containsExactly("account.closed");

        String all = String.join(
                " ",
                jdbc.sql("SELECT details || coalesce(resource, '') || principal FROM audit_log")
                        .query(String.class)
                        .list());
        assertThat(all).doesNotContain("Grace Hopper").doesNotContain("grace@example.com");
    }

    @Test
    void auditsRefusedAuthenticationWhateverTheMethod() {
        Api api = api();
        String get = rid();
        assertThat(api.as("not-a-jwt")
                        .header("X-Request-Id", get)
                        .get("/accounts")
                        .status())
                .isEqualTo(401);
        String post = rid();
        assertThat(api.anonymous()
                        .header("X-Request-Id", post)
                        .post("/transactions", Map.of())
                        .status())
                .isEqualTo(401);
        for (String id : List.of(get, post)) {
            assertThat(rows(id)).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo("refused");
                assertThat(r.code()).isEqualTo("unauthenticated");
                assertThat(r.principal()).isEqualTo("anonymous");
            });
        }
    }

    @Test
    void verifiesTheChainAndOnlyForAdmins() {
        Api api = api();
        new Bank(api).openAccount(Bank.newOwner(), "5");
        JsonNode report = api.as(api.adminToken()).get("/audit/verify").json();
        assertThat(report.get("valid").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.get("entries").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(api.as(api.token("c", "customer")).get("/audit/verify").status())
                .isEqualTo(403);
    }

    @Test
    void reportsARowChangedBehindTheServicesBack() throws Exception {
        Api api = api();
        String request = rid();
        api.as(api.adminToken())
                .header("X-Request-Id", request)
                .post("/accounts", Map.of("owner_id", "x", "holder_name", "X"));
        long id = jdbc.sql("SELECT min(id) FROM audit_log WHERE request_id = :r")
                .param("r", request)
                .query(Long.class)
                .single();
        String original = jdbc.sql("SELECT principal FROM audit_log WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        assertThat(api.as(api.adminToken())
                        .get("/audit/verify")
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();

        try (Connection superuser = EmbeddedDatabase.get().getPostgresDatabase().getConnection();
                Statement sql = superuser.createStatement()) {
            sql.execute("SET session_replication_role = replica");
            sql.execute("UPDATE audit_log SET principal = 'someone-else' WHERE id = " + id);
            try {
                JsonNode report = api.as(api.adminToken()).get("/audit/verify").json();
                assertThat(report.get("valid").asBoolean()).isFalse();
                assertThat(report.get("first_bad_entry").asLong()).isEqualTo(id);
            } finally {
                sql.execute("UPDATE audit_log SET principal = '" + original + "' WHERE id = " + id);
            }
        }
        assertThat(api.as(api.adminToken())
                        .get("/audit/verify")
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void theServiceCannotUpdateOrDeleteAuditRows() {
        new Bank(api()).openAccount(Bank.newOwner(), null);
        assertThatThrownBy(
                        () -> jdbc.sql("UPDATE audit_log SET principal = 'x'").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_log").update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_log CASCADE").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_seals").update()).hasMessageContaining("append-only");
        assertThatThrownBy(() ->
                        jdbc.sql("UPDATE audit_seals SET hash = prev_hash").update())
                .hasMessageContaining("append-only");
    }
}
