package org.bankapi.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.StatementCounter;
import org.junit.jupiter.api.Test;

/**
 * How many SQL statements a read costs, counted on the service's own DataSource against the real
 * database: an account or a page of accounts is one query once the data keys are cached.
 */
class AccountReadQueriesTest extends ApiTest {

    private static List<String> statementsOf(Api.Call call, String path) {
        String requestId = StatementCounter.REQUEST_ID_PREFIX + UUID.randomUUID();
        Api.Response response = call.header("X-Request-Id", requestId).get(path);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> statements = StatementCounter.statementsOf(requestId);
        System.out.println("[statements] GET " + path + ": " + statements.size() + " " + statements);
        return statements;
    }

    @Test
    void anAccountReadIsOneQueryOnceItsKeyIsCached() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long id = bank.openAccount(owner, "12.34");
        api.as(bank.admin()).get("/accounts/" + id);

        assertThat(statementsOf(api.as(bank.admin()), "/accounts/" + id)).hasSizeLessThanOrEqualTo(1);
        assertThat(statementsOf(api.as(api.token(owner, "customer")), "/accounts/" + id))
                .hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aPageOfAccountsIsOneQueryOnceTheirKeysAreCached() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        for (int i = 0; i < 3; i++) {
            bank.openAccount(owner, "1");
        }
        Api.Call customer = api.as(api.token(owner, "customer"));
        customer.get("/accounts?limit=10");
        api.as(bank.admin()).get("/accounts?limit=5");

        assertThat(statementsOf(customer, "/accounts?limit=10")).hasSizeLessThanOrEqualTo(1);
        assertThat(statementsOf(api.as(bank.admin()), "/accounts?limit=5")).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aFreshAccountReadAfterAnErasureIsStillOneQueryAndShowsTheErasure() {
        Api api = api();
        Bank bank = new Bank(api);
        long id = bank.openAccount(Bank.newOwner(), "5");
        api.as(bank.admin()).get("/accounts/" + id);
        assertThat(api.as(bank.admin())
                        .delete("/accounts/" + id + "/personal-data")
                        .status())
                .isEqualTo(204);

        assertThat(statementsOf(api.as(bank.admin()), "/accounts/" + id)).hasSizeLessThanOrEqualTo(1);
        assertThat(bank.account(id).get("holder_name").asString()).isEqualTo("[erased]");
    }

    @Test
    void aPageOfAnAccountsTransactionsIsTheVisibilityCheckAndOneQuery() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long id = bank.openAccount(owner, "5");
        Api.Call customer = api.as(api.token(owner, "customer"));

        List<String> history = statementsOf(customer, "/transactions?account_id=" + id);
        assertThat(history).hasSizeLessThanOrEqualTo(2);
        assertThat(history).noneMatch(sql -> sql.contains("holder_name") || sql.contains("data_keys"));
        assertThat(statementsOf(customer, "/transactions"))
                .hasSizeLessThanOrEqualTo(2)
                .noneMatch(sql -> sql.contains("holder_name") || sql.contains("data_keys"));
    }
}
