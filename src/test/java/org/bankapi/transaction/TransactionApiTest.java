package org.bankapi.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TransactionApiTest extends ApiTest {

    @Test
    void depositWithdrawalAndTransferMoveExactlyTheirAmounts() {
        Api api = api();
        Bank bank = new Bank(api);
        String alice = Bank.newOwner();
        long a = bank.openAccount(alice, "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        String token = api.token(alice, "customer");

        Api.Response deposit = bank.deposit(token, a, "0.10");
        assertThat(deposit.status()).as(deposit.toString()).isEqualTo(201);
        JsonNode tx = deposit.json();
        assertThat(tx.get("type").asString()).isEqualTo("deposit");
        assertThat(tx.get("status").asString()).isEqualTo("completed");
        assertThat(tx.get("amount").asString()).isEqualTo("0.10");
        assertThat(tx.get("currency").asString()).isEqualTo("EUR");
        assertThat(tx.get("account_id").asLong()).isEqualTo(a);
        assertThat(tx.get("target_account_id").isNull()).isTrue();
        assertThat(deposit.header("Location"))
                .isEqualTo("/transactions/" + tx.get("id").asLong());

        assertThat(bank.withdraw(token, a, "20.05").status()).isEqualTo(201);
        Api.Response transfer = bank.transfer(token, a, b, "30.02");
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(201);
        assertThat(transfer.json().get("target_account_id").asLong()).isEqualTo(b);

        assertThat(bank.balance(a)).isEqualTo("50.03");
        assertThat(bank.balance(b)).isEqualTo("30.02");
    }

    @Test
    void refusesWithdrawalBeyondBalanceAndChangesNothing() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "10.00");
        Api.Response refused = bank.withdraw(bank.admin(), a, "10.01");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("insufficient_funds");
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("status").asInt()).isEqualTo(422);
        assertThat(refused.json().get("title").asString()).isNotBlank();
        assertThat(bank.balance(a)).isEqualTo("10.00");
        assertThat(api.as(bank.admin())
                        .get("/transactions?account_id=" + a)
                        .json()
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void refusesTransfersThatBreakARule() {
        Api api = api();
        Bank bank = new Bank(api);
        long eur = bank.openAccount(Bank.newOwner(), "10");
        long usd = bank.openAccount(Bank.newOwner(), "10", "USD");
        assertThat(bank.transfer(bank.admin(), eur, usd, "1").code()).isEqualTo("currency_mismatch");
        assertThat(bank.transfer(bank.admin(), eur, eur, "1").code()).isEqualTo("same_account");
        Api.Response missing = bank.transfer(bank.admin(), eur, 999_999_999L, "1");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("not_found");
        Api.Response wrongCurrency = api.as(bank.admin())
                .post("/transactions", Map.of("type", "deposit", "account_id", eur, "amount", "1", "currency", "USD"));
        assertThat(wrongCurrency.status()).isEqualTo(422);
        assertThat(wrongCurrency.code()).isEqualTo("currency_mismatch");
        assertThat(bank.balance(eur)).isEqualTo("10.00");
        assertThat(bank.balance(usd)).isEqualTo("10.00");
    }

    @Test
    void customerMovesMoneyOnlyFromOwnAccountsButMayPayAnyone() {
        Api api = api();
        Bank bank = new Bank(api);
        String alice = Bank.newOwner();
        long own = bank.openAccount(alice, "10");
        long other = bank.openAccount(Bank.newOwner(), "10");
        String token = api.token(alice, "customer");

        Api.Response stealing = bank.transfer(token, other, own, "5");
        assertThat(stealing.status()).isEqualTo(403);
        assertThat(stealing.code()).isEqualTo("forbidden");
        assertThat(bank.withdraw(token, other, "1").status()).isEqualTo(403);
        assertThat(bank.transfer(token, own, other, "5").status()).isEqualTo(201);
        assertThat(bank.balance(other)).isEqualTo("15.00");
    }

    @Test
    void customerSeesOnlyTransactionsTouchingOwnAccounts() {
        Api api = api();
        Bank bank = new Bank(api);
        String alice = Bank.newOwner();
        long own = bank.openAccount(alice, "10");
        long other = bank.openAccount(Bank.newOwner(), "10");
        long stranger = bank.openAccount(Bank.newOwner(), "10");
        long incoming =
                bank.transfer(bank.admin(), other, own, "1").json().get("id").asLong();
        long foreign = bank.transfer(bank.admin(), other, stranger, "1")
                .json()
                .get("id")
                .asLong();
        String token = api.token(alice, "customer");

        assertThat(api.as(token).get("/transactions/" + incoming).status()).isEqualTo(200);
        assertThat(api.as(token).get("/transactions/" + foreign).status()).isEqualTo(403);
        assertThat(api.as(token).get("/transactions?account_id=" + other).status())
                .isEqualTo(403);
        JsonNode mine = api.as(token).get("/transactions").json().get("items");
        List<Long> ids = new ArrayList<>();
        mine.forEach(t -> ids.add(t.get("id").asLong()));
        assertThat(ids).contains(incoming).doesNotContain(foreign);
        assertThat(api.as(token).get("/transactions/987654321987").code()).isEqualTo("not_found");
    }

    @Test
    void listsNewestFirstWithFiltersAndACursor() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "100");
        long b = bank.openAccount(Bank.newOwner(), "100");
        for (int i = 1; i <= 3; i++) {
            bank.deposit(bank.admin(), a, String.valueOf(i));
        }
        bank.transfer(bank.admin(), b, a, "7");

        JsonNode all =
                api.as(bank.admin()).get("/transactions?account_id=" + a).json().get("items");
        assertThat(all).hasSize(5);
        assertThat(all.get(0).get("type").asString()).isEqualTo("transfer");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).get("id").asLong())
                    .isLessThan(all.get(i - 1).get("id").asLong());
        }
        JsonNode deposits = api.as(bank.admin())
                .get("/transactions?account_id=" + a + "&type=deposit")
                .json()
                .get("items");
        assertThat(deposits).hasSize(4);
        deposits.forEach(t -> assertThat(t.get("type").asString()).isEqualTo("deposit"));

        JsonNode page1 = api.as(bank.admin())
                .get("/transactions?account_id=" + a + "&limit=2")
                .json();
        JsonNode page2 = api.as(bank.admin())
                .get("/transactions?account_id=" + a + "&limit=2&cursor="
                        + page1.get("next_cursor").asString())
                .json();
        JsonNode page3 = api.as(bank.admin())
                .get("/transactions?account_id=" + a + "&limit=2&cursor="
                        + page2.get("next_cursor").asString())
                .json();
        assertThat(page1.get("items").get(0).get("id").asLong())
                .isEqualTo(all.get(0).get("id").asLong());
        assertThat(page2.get("items").get(0).get("id").asLong())
                .isEqualTo(all.get(2).get("id").asLong());
        assertThat(page3.get("items")).hasSize(1);
        assertThat(page3.get("next_cursor").isNull()).isTrue();

        JsonNode adminPage =
                api.as(bank.admin()).get("/transactions?limit=1&type=transfer").json();
        assertThat(adminPage.get("items")).hasSize(1);
        assertThat(adminPage.get("items").get(0).get("type").asString()).isEqualTo("transfer");
    }

    @Test
    void reversalCompensatesOnceAndMarksTheOriginal() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "100");
        long b = bank.openAccount(Bank.newOwner(), null);
        long transfer = bank.transfer(bank.admin(), a, b, "40").json().get("id").asLong();

        Api.Response reversal = api.as(bank.admin()).post("/transactions/" + transfer + "/reverse", null);
        assertThat(reversal.status()).as(reversal.toString()).isEqualTo(201);
        assertThat(reversal.json().get("type").asString()).isEqualTo("reversal");
        assertThat(reversal.json().get("reverses").asLong()).isEqualTo(transfer);
        assertThat(reversal.json().get("amount").asString()).isEqualTo("40.00");
        assertThat(bank.balance(a)).isEqualTo("100.00");
        assertThat(bank.balance(b)).isEqualTo("0.00");
        assertThat(api.as(bank.admin())
                        .get("/transactions/" + transfer)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("reversed");

        Api.Response again = api.as(bank.admin()).post("/transactions/" + transfer + "/reverse", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("already_reversed");
        Api.Response ofReversal = api.as(bank.admin())
                .post("/transactions/" + reversal.json().get("id").asLong() + "/reverse", null);
        assertThat(ofReversal.status()).isEqualTo(422);
        assertThat(bank.balance(a)).isEqualTo("100.00");
    }

    @Test
    void reversingADepositWhoseMoneyIsGoneIsRefused() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), null);
        long deposit = bank.deposit(bank.admin(), a, "10").json().get("id").asLong();
        bank.withdraw(bank.admin(), a, "10");
        Api.Response refused = api.as(bank.admin()).post("/transactions/" + deposit + "/reverse", null);
        assertThat(refused.code()).isEqualTo("insufficient_funds");
        assertThat(api.as(bank.admin())
                        .get("/transactions/" + deposit)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("completed");
    }

    @Test
    void onlyAnAdminReverses() {
        Api api = api();
        Bank bank = new Bank(api);
        String alice = Bank.newOwner();
        long a = bank.openAccount(alice, "10");
        long deposit = bank.deposit(bank.admin(), a, "1").json().get("id").asLong();
        Api.Response refused = api.as(api.token(alice, "customer")).post("/transactions/" + deposit + "/reverse", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.as(bank.admin())
                        .post("/transactions/424242424242/reverse", null)
                        .status())
                .isEqualTo(404);
    }
}
