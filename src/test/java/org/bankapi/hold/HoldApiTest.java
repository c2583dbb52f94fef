package org.bankapi.hold;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Holds through the API: reserve, capture (whole, partial, to a target), void, expire, and each refusal. */
class HoldApiTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    HoldSweeper sweeper;

    @Test
    void aHoldReservesFundsAndCaptureBooksAWithdrawalCarryingTheHold() {
        Bank bank = new Bank(api());
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "100.00");
        String customer = api().token(owner, "customer");

        Api.Response placed = hold(customer, account, "30.00", null, null);
        assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
        JsonNode hold = placed.json();
        assertThat(placed.header("Location"))
                .isEqualTo("/holds/" + hold.get("id").asLong());
        assertThat(hold.get("status").asString()).isEqualTo("pending");
        assertThat(hold.get("amount").asString()).isEqualTo("30.00");
        assertThat(hold.get("captured_amount").isNull()).isTrue();
        assertThat(bank.account(account).get("balance").asString()).isEqualTo("100.00");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("70.00");

        Api.Response captured =
                api().as(bank.admin()).post("/holds/" + hold.get("id").asLong() + "/capture", null);
        assertThat(captured.status()).as(captured.toString()).isEqualTo(201);
        assertThat(captured.json().get("type").asString()).isEqualTo("withdrawal");
        assertThat(captured.json().get("amount").asString()).isEqualTo("30.00");
        assertThat(captured.json().get("hold_id").asLong())
                .isEqualTo(hold.get("id").asLong());
        JsonNode after =
                api().as(customer).get("/holds/" + hold.get("id").asLong()).json();
        assertThat(after.get("status").asString()).isEqualTo("captured");
        assertThat(after.get("captured_amount").asString()).isEqualTo("30.00");
        assertThat(after.get("transaction_id").asLong())
                .isEqualTo(captured.json().get("id").asLong());
        assertThat(bank.account(account).get("balance").asString()).isEqualTo("70.00");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("70.00");
    }

    @Test
    void aPartialCaptureToATargetBooksATransferAndReleasesTheRest() {
        Bank bank = new Bank(api());
        long account = bank.openAccount(Bank.newOwner(), "100.00");
        long merchant = bank.openAccount(Bank.newOwner(), null);
        long id = hold(bank.admin(), account, "40.00", merchant, "card authorisation")
                .json()
                .get("id")
                .asLong();

        Api.Response captured = api().as(bank.admin()).post("/holds/" + id + "/capture", Map.of("amount", "25.50"));
        assertThat(captured.status()).as(captured.toString()).isEqualTo(201);
        assertThat(captured.json().get("type").asString()).isEqualTo("transfer");
        assertThat(captured.json().get("target_account_id").asLong()).isEqualTo(merchant);
        assertThat(captured.json().get("description").asString()).isEqualTo("card authorisation");
        assertThat(bank.account(account).get("balance").asString()).isEqualTo("74.50");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("74.50");
        assertThat(bank.balance(merchant)).isEqualTo("25.50");
        JsonNode hold = api().as(bank.admin()).get("/holds/" + id).json();
        assertThat(hold.get("captured_amount").asString()).isEqualTo("25.50");

        Api.Response again = api().as(bank.admin()).post("/holds/" + id + "/capture", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("hold_not_pending");
    }

    @Test
    void voidReleasesTheFundsAndAVoidedHoldCanNeitherBeCapturedNorVoidedAgain() {
        Bank bank = new Bank(api());
        long account = bank.openAccount(Bank.newOwner(), "50.00");
        long id = hold(bank.admin(), account, "50.00", null, null)
                .json()
                .get("id")
                .asLong();
        assertThat(bank.withdraw(bank.admin(), account, "0.01").code()).isEqualTo("insufficient_funds");

        Api.Response voided = api().as(bank.admin()).post("/holds/" + id + "/void", null);
        assertThat(voided.status()).as(voided.toString()).isEqualTo(200);
        assertThat(voided.json().get("status").asString()).isEqualTo("voided");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("50.00");
        assertThat(bank.withdraw(bank.admin(), account, "50.00").status()).isEqualTo(201);
        assertThat(api().as(bank.admin()).post("/holds/" + id + "/void", null).code())
                .isEqualTo("hold_not_pending");
        assertThat(api().as(bank.admin())
                        .post("/holds/" + id + "/capture", null)
                        .code())
                .isEqualTo("hold_not_pending");
    }

    @Test
    void aHoldPastItsExpiryReadsExpiredAndCannotBeCapturedBeforeTheSweeperRuns() throws Exception {
        Bank bank = new Bank(api());
        long account = bank.openAccount(Bank.newOwner(), "20.00");
        long id = hold(bank.admin(), account, "15.00", null, null, 1)
                .json()
                .get("id")
                .asLong();
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("5.00");
        Thread.sleep(1_100);

        assertThat(storedStatus(id)).as("not swept yet").isEqualTo("pending");
        assertThat(api().as(bank.admin())
                        .get("/holds/" + id)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("expired");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("20.00");
        Api.Response capture = api().as(bank.admin()).post("/holds/" + id + "/capture", null);
        assertThat(capture.status()).isEqualTo(409);
        assertThat(capture.code()).isEqualTo("hold_expired");
        assertThat(api().as(bank.admin()).post("/holds/" + id + "/void", null).code())
                .isEqualTo("hold_expired");
        assertThat(bank.withdraw(bank.admin(), account, "20.00").status())
                .as("expired funds are free")
                .isEqualTo(201);
        List<String> listed = api().as(bank.admin())
                .get("/holds?account_id=" + account + "&status=expired")
                .json()
                .get("items")
                .valueStream()
                .map(h -> h.get("id").asString())
                .toList();
        assertThat(listed).containsExactly(Long.toString(id));

        assertThat(sweeper.sweep()).isGreaterThanOrEqualTo(1);
        assertThat(storedStatus(id)).isEqualTo("expired");
        assertThat(sweeper.sweep()).as("nothing left to sweep of this hold").isZero();
        assertThat(events(id)).containsExactly("hold.created", "hold.expired");
    }

    @Test
    void eachChangeOfAHoldYieldsOneEventAndACaptureAlsoItsTransactionEvent() {
        Bank bank = new Bank(api());
        long account = bank.openAccount(Bank.newOwner(), "10.00");
        long id = hold(bank.admin(), account, "10.00", null, null)
                .json()
                .get("id")
                .asLong();
        long tx = api().as(bank.admin())
                .post("/holds/" + id + "/capture", null)
                .json()
                .get("id")
                .asLong();

        assertThat(events(id)).containsExactly("hold.created", "hold.captured");
        String transactionEvent = UUID.nameUUIDFromBytes(("transaction:" + tx).getBytes(StandardCharsets.UTF_8))
                .toString();
        List<Long> order = jdbc.sql("""
                SELECT id FROM outbox_events WHERE event_id = ANY(ARRAY[:tx, :captured]::uuid[]) ORDER BY id""")
                .param("tx", transactionEvent)
                .param(
                        "captured",
                        UUID.nameUUIDFromBytes(("hold:" + id + ":hold.captured").getBytes(StandardCharsets.UTF_8))
                                .toString())
                .query(Long.class)
                .list();
        assertThat(order).hasSize(2);
    }

    @Test
    void refusalsChangeNothing() {
        Bank bank = new Bank(api());
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "10.00");
        long other = bank.openAccount(Bank.newOwner(), "10.00");
        String customer = api().token(owner, "customer");

        assertThat(hold(customer, account, "10.01", null, null).code()).isEqualTo("insufficient_funds");
        assertThat(hold(customer, other, "1.00", null, null).code()).isEqualTo("forbidden");
        assertThat(hold(customer, 987_654_321_987L, "1.00", null, null).code()).isEqualTo("not_found");
        assertThat(hold(customer, account, "1.00", account, null).code()).isEqualTo("same_account");
        assertThat(hold(customer, account, "1.001", null, null).code()).isEqualTo("validation_failed");
        assertThat(hold(customer, account, "1.00", null, null, 0).code()).isEqualTo("validation_failed");
        assertThat(hold(customer, account, "1.00", null, null, 2_592_001).code())
                .isEqualTo("validation_failed");
        long id = hold(customer, account, "4.00", null, null).json().get("id").asLong();
        assertThat(api().as(customer).post("/holds/" + id + "/capture", null).code())
                .isEqualTo("forbidden");
        assertThat(api().as(bank.admin())
                        .post("/holds/" + id + "/capture", Map.of("amount", "4.01"))
                        .code())
                .isEqualTo("validation_failed");
        assertThat(api().as(bank.admin()).post("/holds/987654321/capture", null).code())
                .isEqualTo("not_found");
        assertThat(api().as(api().token(Bank.newOwner(), "customer"))
                        .get("/holds/" + id)
                        .code())
                .isEqualTo("forbidden");
        assertThat(hold(customer, account, "6.01", null, null).code())
                .as("only 6.00 is available")
                .isEqualTo("insufficient_funds");

        assertThat(bank.account(account).get("balance").asString()).isEqualTo("10.00");
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("6.00");
        assertThat(jdbc.sql("SELECT count(*) FROM holds WHERE account_id IN (:a, :b)")
                        .param("a", account)
                        .param("b", other)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aRetriedPlacementWithItsKeyPlacesOneHold() {
        Bank bank = new Bank(api());
        long account = bank.openAccount(Bank.newOwner(), "10.00");
        Map<String, Object> body = Map.of("account_id", account, "amount", "3.00");
        String key = UUID.randomUUID().toString();
        Api.Response first =
                api().as(bank.admin()).header("Idempotency-Key", key).post("/holds", body);
        Api.Response second =
                api().as(bank.admin()).header("Idempotency-Key", key).post("/holds", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(bank.account(account).get("available_balance").asString()).isEqualTo("7.00");
    }

    private Api.Response hold(String token, long account, String amount, Long target, String description) {
        return hold(token, account, amount, target, description, null);
    }

    private Api.Response hold(
            String token, long account, String amount, Long target, String description, Integer expiresIn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account_id", account);
        body.put("amount", amount);
        if (target != null) {
            body.put("target_account_id", target);
        }
        if (description != null) {
            body.put("description", description);
        }
        if (expiresIn != null) {
            body.put("expires_in_seconds", expiresIn);
        }
        return api().as(token).post("/holds", body);
    }

    private String storedStatus(long id) {
        return jdbc.sql("SELECT status FROM holds WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private List<String> events(long holdId) {
        return jdbc.sql("""
                SELECT payload::json->>'event_type' FROM outbox_events
                 WHERE message_key = (SELECT account_id::text FROM holds WHERE id = :id)
                   AND payload::json->>'event_type' LIKE 'hold.%' AND (payload::json->'hold'->>'id')::bigint = :id
                 ORDER BY id""").param("id", holdId).query(String.class).list();
    }
}
