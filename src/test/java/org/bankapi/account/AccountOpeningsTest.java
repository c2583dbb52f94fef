package org.bankapi.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Currency;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.bankapi.audit.AuditLog;
import org.bankapi.crypto.PersonalData;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.ledger.AccountRecords;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.Origin;
import org.bankapi.money.Money;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch's openings share their statements but never their keys: each account gets a data key of
 * its own, an id whose key exists already is drawn again. Every test rolls back.
 */
class AccountOpeningsTest extends ApiTest {

    @Autowired
    AccountRecords accounts;

    @Autowired
    PersonalDataVault vault;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate inTransaction;

    private static OpenAccountRequest.Checked request(String holder) {
        return new OpenAccountRequest.Checked(
                "owner-" + UUID.randomUUID(), holder, holder + "@example.com", Currency.getInstance("EUR"), (Money)
                        null);
    }

    private static List<Command.AccountOpening> pending(AccountOpenings openings, String... holders) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Arrays.stream(holders)
                .map(h -> (Command.AccountOpening)
                        openings.pending(request(h), now, new Origin("admin", "req-" + UUID.randomUUID())))
                .toList();
    }

    private static LongSupplier idsOf(long... ids) {
        Deque<Long> queue = new ArrayDeque<>();
        for (long id : ids) {
            queue.add(id);
        }
        return () -> queue.isEmpty() ? -1 : queue.poll();
    }

    private <T> T rolledBack(Supplier<T> work) {
        return inTransaction.execute(status -> {
            status.setRollbackOnly();
            return work.get();
        });
    }

    @Test
    void opensEveryAccountOfABatchWithItsOwnDataKey() {
        AccountOpenings openings = new AccountOpenings(accounts, vault, audit);
        rolledBack(() -> {
            long[] ids = openings.insertAll(pending(openings, "Ada", "Grace", "Edsger", "Barbara", "Alan"));
            assertThat(Arrays.stream(ids).distinct()).hasSize(5);
            for (long id : ids) {
                assertThat(id).isBetween(AccountOpenings.ID_MIN, AccountOpenings.ID_MAX_EXCLUSIVE - 1);
            }
            Long[] boxed = Arrays.stream(ids).boxed().toArray(Long[]::new);
            assertThat(jdbc.sql("SELECT count(DISTINCT wrapped_key) FROM data_keys WHERE account_id = ANY(:ids)")
                            .param("ids", boxed)
                            .query(Long.class)
                            .single())
                    .isEqualTo(5);
            assertThat(jdbc.sql("SELECT count(*) FROM accounts WHERE id = ANY(:ids) AND kind = 'customer'")
                            .param("ids", boxed)
                            .query(Long.class)
                            .single())
                    .isEqualTo(5);
            assertThat(jdbc.sql("SELECT resource FROM audit_log WHERE action = 'account.opened' AND resource = ANY(:r)")
                            .param(
                                    "r",
                                    Arrays.stream(ids)
                                            .mapToObj(id -> "/accounts/" + id)
                                            .toArray(String[]::new))
                            .query(String.class)
                            .list())
                    .hasSize(5);
            assertThat(vault.open(ids[1], accounts.find(ids[1]).orElseThrow().personalData())
                            .holderName())
                    .isEqualTo("Grace");
            return null;
        });
    }

    @Test
    void drawsAnotherIdForOneWhoseDataKeyExistsAlready() {
        long taken = 4_000_000_000L + (System.nanoTime() & 0xFFFFFF);
        AccountOpenings openings = new AccountOpenings(accounts, vault, audit, idsOf(taken, taken + 1, taken + 2));
        long[] ids = rolledBack(() -> {
            assertThat(vault.sealAll(Map.of(taken, PersonalData.of("Someone", null))))
                    .containsKey(taken);
            return openings.insertAll(pending(openings, "First", "Second"));
        });
        assertThat(ids).containsExactly(taken + 2, taken + 1);
    }

    @Test
    void givesUpRatherThanDrawingForever() {
        long taken = 5_000_000_000L + (System.nanoTime() & 0xFFFFFF);
        AccountOpenings openings = new AccountOpenings(accounts, vault, audit, () -> taken);
        assertThatThrownBy(() -> rolledBack(() -> {
                    vault.sealAll(Map.of(taken, PersonalData.of("Someone", null)));
                    return openings.insertAll(pending(openings, "Unlucky"));
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no free account id");
    }
}
