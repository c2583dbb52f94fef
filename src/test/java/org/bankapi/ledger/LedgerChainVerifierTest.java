package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LedgerChainVerifierTest extends ApiTest {

    /** As a superuser, with the append-only trigger off for this one transaction: what an attacker with the database could do. */
    private static void tamper(String sql, long id, long delta) throws SQLException {
        try (Connection connection = Database.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    PreparedStatement update = connection.prepareStatement(sql)) {
                statement.execute("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only");
                update.setLong(1, delta);
                update.setLong(2, id);
                assertThat(update.executeUpdate()).isEqualTo(1);
                statement.execute("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only");
            }
            connection.commit();
        }
    }

    private static List<Long> entryIds(long account) {
        return Database.superuser()
                .sql("SELECT id FROM ledger_entries WHERE account_id = ? ORDER BY id")
                .param(account)
                .query(Long.class)
                .list();
    }

    private static long[] traffic(Api api, Bank bank) {
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), "5.00");
        assertThat(bank.transfer(bank.admin(), a, b, "30.00").status()).isEqualTo(201);
        assertThat(bank.withdraw(bank.admin(), b, "2.50").status()).isEqualTo(201);
        long deposit = bank.deposit(bank.admin(), a, "7.00").json().get("id").asLong();
        assertThat(api.as(bank.admin())
                        .post("/transactions/" + deposit + "/reverse", null)
                        .status())
                .isEqualTo(201);
        return new long[] {a, b};
    }

    @Test
    void theChainsOfRealTrafficVerify() {
        Api api = api();
        Bank bank = new Bank(api);
        long[] accounts = traffic(api, bank);

        Api.Response response = api.as(bank.admin()).get("/audit/verify-ledger");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("valid").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.get("accounts").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(report.get("entries").asLong())
                .isGreaterThanOrEqualTo(
                        entryIds(accounts[0]).size() + entryIds(accounts[1]).size());
        List<Long> balances = Database.superuser()
                .sql("SELECT balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id")
                .param(accounts[0])
                .query(Long.class)
                .list();
        assertThat(balances).containsExactly(10000L, 7000L, 7700L, 7000L);
    }

    @Test
    void theChainsHoldAfterConcurrentTransfersOverFewAccounts() throws InterruptedException {
        Api api = api();
        Bank bank = new Bank(api);
        long[] accounts = new long[4];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = bank.openAccount(Bank.newOwner(), "50.00");
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(t);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    int from = random.nextInt(accounts.length);
                    int to = (from + 1 + random.nextInt(accounts.length - 1)) % accounts.length;
                    Api.Response response = bank.transfer(
                            bank.admin(),
                            accounts[from],
                            accounts[to],
                            BigDecimal.valueOf(1 + random.nextInt(2000), 2).toPlainString());
                    assertThat(response.status()).as(response.toString()).isIn(201, 422, 503);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        JsonNode report = api.as(bank.admin()).get("/audit/verify-ledger").json();
        assertThat(report.get("valid").asBoolean()).as(report.toString()).isTrue();
        for (long account : accounts) {
            List<Long> balances = Database.superuser()
                    .sql("SELECT balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id")
                    .param(account)
                    .query(Long.class)
                    .list();
            assertThat(BigDecimal.valueOf(balances.getLast(), 2).toPlainString())
                    .isEqualTo(bank.balance(account));
        }
    }

    @Test
    void onlyAnAdminVerifiesTheLedger() {
        Api api = api();
        Api.Response refused = api.as(api.token(Bank.newOwner(), "customer")).get("/audit/verify-ledger");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("forbidden");
    }

    @Test
    void aBrokenChainIsReportedAtItsFirstBadEntry() throws SQLException {
        Api api = api();
        Bank bank = new Bank(api);
        long account = traffic(api, bank)[0];
        long middle = entryIds(account).get(1);
        String shift = "UPDATE ledger_entries SET balance_after = balance_after + ? WHERE id = ?";
        tamper(shift, middle, 1);
        try {
            JsonNode report = api.as(bank.admin()).get("/audit/verify-ledger").json();
            assertThat(report.get("valid").asBoolean()).isFalse();
            assertThat(report.get("first_bad_account").asLong()).isEqualTo(account);
            assertThat(report.get("first_bad_entry").asLong()).isEqualTo(middle);
            assertThat(report.get("reason").asString()).contains("previous balance_after plus the amount");
        } finally {
            tamper(shift, middle, -1);
        }
        assertThat(api.as(bank.admin())
                        .get("/audit/verify-ledger")
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aBalanceThatDisagreesWithTheLastEntryIsReported() throws SQLException {
        Api api = api();
        Bank bank = new Bank(api);
        long account = traffic(api, bank)[1];
        String shift = "UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ?";
        tamper(shift, account, 1);
        try {
            JsonNode report = api.as(bank.admin()).get("/audit/verify-ledger").json();
            assertThat(report.get("valid").asBoolean()).isFalse();
            assertThat(report.get("first_bad_account").asLong()).isEqualTo(account);
            assertThat(report.get("first_bad_entry").asLong())
                    .isEqualTo(entryIds(account).getLast());
            assertThat(report.get("reason").asString()).contains("not the account's balance");
        } finally {
            tamper(shift, account, -1);
        }
        assertThat(api.as(bank.admin())
                        .get("/audit/verify-ledger")
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }
}
