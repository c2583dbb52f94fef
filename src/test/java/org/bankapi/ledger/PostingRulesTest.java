package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;
import org.junit.jupiter.api.Test;

class PostingRulesTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final AccountState CASH = AccountState.cashAccount(EUR);

    private static AccountState account(long id, long balance) {
        return new AccountState(id, "owner", EUR, balance, 0, true, false);
    }

    private static Movement move(long from, long to, long minor) {
        return new Movement(from, to, Money.ofMinor(minor, EUR));
    }

    @Test
    void transferBooksTwoEntriesThatSumToZero() {
        PostingRules.Posting posting =
                PostingRules.apply(move(1001, 1002, 300), Map.of(1001L, account(1001, 500), 1002L, account(1002, 0)));
        assertThat(posting.entries()).containsExactly(new Entry(1001, -300, 200L), new Entry(1002, 300, 300L));
        assertThat(posting.accountsAfter().get(1001L).balanceMinor()).isEqualTo(200);
        assertThat(posting.accountsAfter().get(1002L).balanceMinor()).isEqualTo(300);
    }

    @Test
    void depositTakesTheCashAccountBelowZeroWithoutTouchingItsBalanceRow() {
        PostingRules.Posting posting =
                PostingRules.apply(move(CASH.id(), 1001, 50), Map.of(1001L, account(1001, 0), CASH.id(), CASH));
        assertThat(posting.entries()).containsExactly(new Entry(CASH.id(), -50, null), new Entry(1001, 50, 50L));
        assertThat(posting.accountsAfter()).containsOnlyKeys(1001L);
    }

    @Test
    void refusesWithdrawalBeyondBalance() {
        assertThatThrownBy(() -> PostingRules.apply(
                        move(1001, CASH.id(), 501), Map.of(1001L, account(1001, 500), CASH.id(), CASH)))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.code()).isEqualTo("insufficient_funds"));
    }

    @Test
    void allowsWithdrawingTheWholeBalance() {
        PostingRules.Posting posting =
                PostingRules.apply(move(1001, CASH.id(), 500), Map.of(1001L, account(1001, 500), CASH.id(), CASH));
        assertThat(posting.accountsAfter().get(1001L).balanceMinor()).isZero();
    }

    @Test
    void refusesClosedAccountsOnEitherSide() {
        AccountState closed = new AccountState(1002, "owner", EUR, 0, 0, false, false);
        assertThatThrownBy(
                        () -> PostingRules.apply(move(1001, 1002, 1), Map.of(1001L, account(1001, 10), 1002L, closed)))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.code()).isEqualTo("account_closed"));
    }

    @Test
    void refusesAMovementInAnotherCurrency() {
        AccountState dollars = new AccountState(1002, "owner", Currency.getInstance("USD"), 0, 0, true, false);
        assertThatThrownBy(
                        () -> PostingRules.apply(move(1001, 1002, 1), Map.of(1001L, account(1001, 10), 1002L, dollars)))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.code()).isEqualTo("currency_mismatch"));
    }

    @Test
    void refusesAMovementToTheSameAccount() {
        assertThatThrownBy(() -> PostingRules.apply(move(1001, 1001, 1), Map.of(1001L, account(1001, 10))))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.code()).isEqualTo("same_account"));
    }

    @Test
    void aNegativeCustomerBalanceReadFromTheDatabaseCrashesLoudly() {
        assertThatThrownBy(() -> account(1001, -1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void entriesThatDoNotSumToZeroCannotExist() {
        assertThatThrownBy(() -> new PostingRules.Posting(
                        move(1, 2, 5), List.of(new Entry(1, -5, null), new Entry(2, 4, null)), Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEntryCarriesARunningBalanceExactlyWhenItsAccountIsACustomers() {
        assertThatThrownBy(() -> new Entry(CASH.id(), -5, 0L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry(1001, 5, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry(1001, -5, -1L)).isInstanceOf(IllegalArgumentException.class);
    }
}
