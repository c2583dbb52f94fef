package org.bankapi.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency JPY = Currency.getInstance("JPY");
    private static final Currency BHD = Currency.getInstance("BHD");

    @ParameterizedTest
    @CsvSource({
        "1250.5,125050,1250.50",
        "0.01,1,0.01",
        "1000000000000,100000000000000,1000000000000.00",
        "7.000,700,7.00",
        "1E+2,10000,100.00"
    })
    void readsDecimalTextExactlyIntoMinorUnits(String text, long minor, String shown) {
        Money money = Money.parsePositive(text, EUR);
        assertThat(money.minorUnits()).isEqualTo(minor);
        assertThat(money.toPlainString()).isEqualTo(shown);
    }

    @Test
    void followsEachCurrencysMinorUnits() {
        assertThat(Money.parsePositive("15", JPY).toPlainString()).isEqualTo("15");
        assertThat(Money.parsePositive("1.234", BHD).minorUnits()).isEqualTo(1234);
        assertThatThrownBy(() -> Money.parsePositive("1.5", JPY))
                .isInstanceOf(InvalidAmountException.class)
                .hasMessageContaining("fraction digits");
    }

    @ParameterizedTest
    @CsvSource({"0", "-5", "0.00", "1000000000000.01", "0.001", "abc", "''", "NaN", "1e400000"})
    void refusesAmountsThatBreakTheRules(String text) {
        assertThatThrownBy(() -> Money.parsePositive(text, EUR)).isInstanceOf(InvalidAmountException.class);
    }

    @Test
    void addsAndSubtractsWithoutRoundingAndRefusesMixedCurrencies() {
        Money a = Money.parsePositive("0.10", EUR);
        Money b = Money.parsePositive("0.20", EUR);
        assertThat(MoneyArithmetic.plus(a, b)).isEqualTo(Money.parsePositive("0.30", EUR));
        assertThat(MoneyArithmetic.isNegative(MoneyArithmetic.minus(a, b))).isTrue();
        assertThatThrownBy(() -> MoneyArithmetic.plus(a, Money.parsePositive("1", JPY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsOnlyIsoCurrenciesWithMinorUnits() {
        assertThat(Currencies.parse("USD")).isEqualTo(Currency.getInstance("USD"));
        assertThatThrownBy(() -> Currencies.parse("usd")).isInstanceOf(InvalidAmountException.class);
        assertThatThrownBy(() -> Currencies.parse("XYZ")).isInstanceOf(InvalidAmountException.class);
        assertThatThrownBy(() -> Currencies.parse("XXX")).isInstanceOf(InvalidAmountException.class);
    }
}
