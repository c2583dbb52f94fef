package org.bankapi.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.UUID;
import org.bankapi.event.TransactionEvent;
import org.bankapi.money.Money;
import org.junit.jupiter.api.Test;

class FraudRulesTest {

    private static final FraudRules RULES = new FraudRules(new BigDecimal("10000"), 10, Duration.ofSeconds(60));
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void flagsAnAmountAboveTheThresholdOnly() {
        assertThat(RULES.evaluate(event("transfer", "10000.01", "EUR"), 1))
                .extracting(FraudRules.Finding::rule)
                .containsExactly(FraudRule.AMOUNT_THRESHOLD);
        assertThat(RULES.evaluate(event("transfer", "10000.00", "EUR"), 1)).isEmpty();
        assertThat(RULES.evaluate(event("deposit", "10001", "JPY"), 1))
                .extracting(FraudRules.Finding::rule)
                .containsExactly(FraudRule.AMOUNT_THRESHOLD);
    }

    @Test
    void flagsMoreThanTheVelocityMaximumWithinTheWindow() {
        assertThat(RULES.evaluate(event("withdrawal", "1", "EUR"), 10)).isEmpty();
        assertThat(RULES.evaluate(event("withdrawal", "1", "EUR"), 11))
                .extracting(FraudRules.Finding::rule)
                .containsExactly(FraudRule.VELOCITY);
        assertThat(RULES.evaluate(event("withdrawal", "20000", "EUR"), 11))
                .extracting(FraudRules.Finding::rule)
                .containsExactly(FraudRule.AMOUNT_THRESHOLD, FraudRule.VELOCITY);
        assertThat(RULES.windowStart(event("withdrawal", "1", "EUR"))).isEqualTo(NOW.minusSeconds(60));
    }

    @Test
    void neverFlagsAReversal() {
        assertThat(RULES.applies(event("reversal", "50000", "EUR"))).isFalse();
        assertThat(RULES.evaluate(event("reversal", "50000", "EUR"), 50)).isEmpty();
    }

    @Test
    void refusesNonsensicalLimits() {
        assertThatThrownBy(() -> new FraudRules(BigDecimal.ZERO, 10, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FraudRules(BigDecimal.ONE, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FraudRules(BigDecimal.ONE, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static TransactionEvent.Received event(String type, String amount, String currency) {
        Currency c = Currency.getInstance(currency);
        return new TransactionEvent.Received(UUID.randomUUID(), NOW, 7, type, Money.parsePositive(amount, c), 1001);
    }
}
