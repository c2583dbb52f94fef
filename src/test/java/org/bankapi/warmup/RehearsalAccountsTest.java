package org.bankapi.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The warm-up moves money only between two open accounts of one currency, from one that can pay. */
class RehearsalAccountsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode page(String... items) {
        return JSON.readTree("[" + String.join(",", items) + "]");
    }

    private static String account(long id, String currency, String available, String status) {
        return "{\"id\":%d,\"currency\":\"%s\",\"available_balance\":\"%s\",\"status\":\"%s\"}"
                .formatted(id, currency, available, status);
    }

    @Test
    void skipsClosedAccountsAccountsThatCannotPayAndPayersWithoutAPartnerInTheirCurrency() {
        JsonNode items = page(
                account(1001, "EUR", "50.00", "closed"),
                account(1002, "EUR", "0.00", "open"),
                account(1003, "USD", "9.00", "open"),
                account(1004, "EUR", "3.00", "open"),
                account(1005, "EUR", "0.00", "frozen"));

        assertThat(Warmup.rehearsalPair(items)).isEqualTo(new Warmup.Pair(1004, 1002, "EUR"));
    }

    @Test
    void aPageWithoutTwoOpenAccountsOfOneCurrencyThatOneCanPayRehearsesNoMoney() {
        assertThat(Warmup.rehearsalPair(page())).isNull();
        assertThat(Warmup.rehearsalPair(null)).isNull();
        assertThat(Warmup.rehearsalPair(
                        page(account(1001, "EUR", "5.00", "open"), account(1002, "USD", "5.00", "open"))))
                .isNull();
        assertThat(Warmup.rehearsalPair(
                        page(account(1001, "EUR", "0.00", "open"), account(1002, "EUR", "0.00", "open"))))
                .isNull();
        assertThat(Warmup.rehearsalPair(
                        page(account(1001, "EUR", "5.00", "open"), account(1002, "EUR", "5.00", "closed"))))
                .isNull();
    }
}
