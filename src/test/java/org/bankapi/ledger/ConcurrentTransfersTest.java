package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Many clients moving money at once among a few accounts, through the real HTTP API: afterwards no
 * money was created or lost, no balance is negative, no request failed with a 5xx (no deadlock),
 * and each account's history replays to its balance.
 */
class ConcurrentTransfersTest extends ApiTest {

    private static final int ACCOUNTS = 4;
    private static final int CLIENTS = 12;
    private static final Duration RUN = Duration.ofSeconds(6);

    @Test
    void randomConcurrentTransfersKeepEveryInvariant() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(bank.openAccount(Bank.newOwner(), "1000.00"));
        }
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Instant end = Instant.now().plus(RUN);
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int c = 0; c < CLIENTS; c++) {
                pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (Instant.now().isBefore(end)) {
                        long from = accounts.get(random.nextInt(ACCOUNTS));
                        long to = accounts.get(random.nextInt(ACCOUNTS));
                        String amount = BigDecimal.valueOf(random.nextLong(1, 40_000), 2)
                                .toPlainString();
                        Api.Response response = from == to
                                ? bank.deposit(bank.admin(), from, amount)
                                : random.nextInt(10) == 0
                                        ? bank.withdraw(bank.admin(), from, amount)
                                        : bank.transfer(bank.admin(), from, to, amount);
                        statuses.computeIfAbsent(response.status(), s -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    return null;
                });
            }
        }

        assertThat(statuses.keySet())
                .as("statuses %s", statuses)
                .containsAnyOf(201)
                .allMatch(s -> s == 201 || s == 422);
        assertThat(statuses.get(201).get()).isGreaterThan(50);

        JdbcClient db = Database.superuser();
        long[] ids = accounts.stream().mapToLong(Long::longValue).toArray();
        for (long id : ids) {
            long balance = db.sql("SELECT balance_minor FROM accounts WHERE id = ?")
                    .param(id)
                    .query(Long.class)
                    .single();
            long entries = db.sql("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE account_id = ?")
                    .param(id)
                    .query(Long.class)
                    .single();
            assertThat(balance).isNotNegative();
            assertThat(entries)
                    .as("entries of account %d replay to its balance", id)
                    .isEqualTo(balance);
            assertThat(replayThroughTheApi(api, bank, id)).isEqualTo(BigDecimal.valueOf(balance, 2));
        }
        long unbalanced = db.sql(
                        "SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id"
                                + " HAVING sum(amount_minor) <> 0) AS t")
                .query(Long.class)
                .single();
        assertThat(unbalanced).isZero();
        long customerTotal = db.sql("SELECT coalesce(sum(balance_minor), 0) FROM accounts WHERE kind = 'customer'")
                .query(Long.class)
                .single();
        long cashTotal = db.sql(
                        "SELECT coalesce(sum(e.amount_minor), 0) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id"
                                + " WHERE a.kind = 'cash'")
                .query(Long.class)
                .single();
        assertThat(customerTotal + cashTotal)
                .as("all balances plus the cash accounts")
                .isZero();
        long booked = db.sql("SELECT count(*) FROM transactions WHERE account_id = ANY(?) AND description IS NULL")
                .param(ids)
                .query(Long.class)
                .single();
        assertThat(booked)
                .as("one booked transaction per 201")
                .isEqualTo(statuses.get(201).get());
    }

    /** The account's balance recomputed from its transaction list, as a client would. */
    private static BigDecimal replayThroughTheApi(Api api, Bank bank, long account) {
        BigDecimal total = BigDecimal.ZERO;
        String cursor = null;
        do {
            JsonNode page = api.as(bank.admin())
                    .get("/transactions?limit=200&account_id=" + account + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            for (JsonNode tx : page.get("items")) {
                BigDecimal amount = new BigDecimal(tx.get("amount").asString());
                boolean source = tx.get("account_id").asLong() == account;
                total = switch (tx.get("type").asString()) {
                    case "deposit" -> total.add(amount);
                    case "withdrawal" -> total.subtract(amount);
                    case "transfer" -> source ? total.subtract(amount) : total.add(amount);
                    default -> throw new AssertionError("unexpected " + tx);
                };
            }
            cursor = page.get("next_cursor").isNull()
                    ? null
                    : page.get("next_cursor").asString();
        } while (cursor != null);
        return total;
    }
}
