package org.bankapi.hold;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Concurrent holds, captures, voids, withdrawals and transfers over few accounts for several seconds:
 * no available balance ever goes below zero, and afterwards balance − Σ pending holds = available.
 */
class ConcurrentHoldsTest extends ApiTest {

    private static final int ACCOUNTS = 3;
    private static final int CLIENTS = 10;
    private static final long RUN_MS = 5_000;

    @Autowired
    JdbcClient jdbc;

    @Test
    void availableBalancesNeverGoNegativeAndAgreeWithThePendingHolds() throws Exception {
        Bank bank = new Bank(api());
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(bank.openAccount(Bank.newOwner(), "50.00"));
        }
        ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        long deadline = System.currentTimeMillis() + RUN_MS;
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    Api.Call admin = api().as(bank.admin());
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.currentTimeMillis() < deadline) {
                        long account = accounts.get(random.nextInt(ACCOUNTS));
                        String amount = random.nextInt(1, 20) + "." + String.format("%02d", random.nextInt(100));
                        Api.Response response = switch (random.nextInt(6)) {
                            case 0, 1 -> {
                                Api.Response placed =
                                        admin.post("/holds", Map.of("account_id", account, "amount", amount));
                                if (placed.status() == 201) {
                                    pending.add(placed.json().get("id").asLong());
                                }
                                yield placed;
                            }
                            case 2 -> {
                                Long id = pending.poll();
                                yield id == null
                                        ? null
                                        : admin.post("/holds/" + id + "/capture", Map.of("amount", "0.50"));
                            }
                            case 3 -> {
                                Long id = pending.poll();
                                yield id == null ? null : admin.post("/holds/" + id + "/void", null);
                            }
                            case 4 -> bank.withdraw(bank.admin(), account, amount);
                            default -> bank.deposit(bank.admin(), account, "5.00");
                        };
                        if (response != null && response.status() >= 300 && response.status() != 422) {
                            unexpected.add(response.toString());
                        }
                        JsonNode read = admin.get("/accounts/" + account).json();
                        if (read.get("available_balance").asString().startsWith("-")) {
                            unexpected.add("negative available balance " + read);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }

        assertThat(unexpected).isEmpty();
        for (long account : accounts) {
            JsonNode read = bank.account(account);
            long balance = minor(read.get("balance").asString());
            long available = minor(read.get("available_balance").asString());
            long held = jdbc.sql(
                            "SELECT coalesce(sum(amount_minor), 0) FROM holds WHERE account_id = :a AND status = 'pending'")
                    .param("a", account)
                    .query(Long.class)
                    .single();
            long heldColumn = jdbc.sql("SELECT held_minor FROM accounts WHERE id = :a")
                    .param("a", account)
                    .query(Long.class)
                    .single();
            assertThat(available).isNotNegative();
            assertThat(balance - held).as("balance − Σ pending holds").isEqualTo(available);
            assertThat(heldColumn)
                    .as("held_minor is the sum of the pending holds")
                    .isEqualTo(held);
            long entries = jdbc.sql("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE account_id = :a")
                    .param("a", account)
                    .query(Long.class)
                    .single();
            assertThat(entries).isEqualTo(balance);
        }
    }

    private static long minor(String decimal) {
        return new BigDecimal(decimal).movePointRight(2).longValueExact();
    }
}
