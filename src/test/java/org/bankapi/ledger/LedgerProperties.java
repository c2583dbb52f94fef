package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/** Random sequences of deposits, withdrawals and transfers never create, lose or overdraw money. */
class LedgerProperties {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final AccountState CASH = AccountState.cashAccount(EUR);
    private static final int ACCOUNTS = 4;

    record Operation(int from, int to, long amount) {}

    @Provide
    Arbitrary<List<Operation>> operations() {
        // account index 0 stands for the cash account; 1..ACCOUNTS are customers
        Arbitrary<Operation> operation = Combinators.combine(
                        Arbitraries.integers().between(0, ACCOUNTS),
                        Arbitraries.integers().between(0, ACCOUNTS),
                        Arbitraries.longs().between(1, 10_000))
                .as(Operation::new);
        return operation.list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void balancesPlusCashAlwaysSumToZeroAndNeverGoNegative(@ForAll("operations") List<Operation> operations) {
        Map<Long, AccountState> accounts = new HashMap<>();
        accounts.put(CASH.id(), CASH);
        for (long i = 1; i <= ACCOUNTS; i++) {
            accounts.put(1000 + i, new AccountState(1000 + i, "o", EUR, 0, 0, true, false));
        }
        Map<Long, Long> entrySums = new HashMap<>();
        for (Operation op : operations) {
            long from = op.from() == 0 ? CASH.id() : 1000 + op.from();
            long to = op.to() == 0 ? CASH.id() : 1000 + op.to();
            try {
                PostingRules.Posting posting =
                        PostingRules.apply(new Movement(from, to, Money.ofMinor(op.amount(), EUR)), accounts);
                accounts.putAll(posting.accountsAfter());
                posting.entries().forEach(e -> entrySums.merge(e.accountId(), e.amountMinor(), Long::sum));
            } catch (ProblemException refused) {
                assertThat(refused.code()).isIn("insufficient_funds", "same_account");
            }
            long customers = accounts.values().stream()
                    .filter(a -> !a.cash())
                    .mapToLong(AccountState::balanceMinor)
                    .sum();
            long cash = entrySums.getOrDefault(CASH.id(), 0L);
            assertThat(customers + cash).isZero();
            accounts.values().stream().filter(a -> !a.cash()).forEach(a -> {
                assertThat(a.balanceMinor()).isNotNegative();
                assertThat(a.balanceMinor()).isEqualTo(entrySums.getOrDefault(a.id(), 0L));
            });
        }
    }
}
