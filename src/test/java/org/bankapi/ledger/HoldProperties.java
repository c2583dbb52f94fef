package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
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

/**
 * Random sequences of holds, captures, voids, expiries and transfers in random batches: no balance and
 * no available balance goes below zero, each account's held amount is the sum of its live holds, and
 * money is neither created nor lost.
 */
class HoldProperties {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final long CASH = AccountState.cashAccountId(EUR);
    private static final int ACCOUNTS = 3;

    /** kind: 0 hold, 1 capture, 2 void, 3 expire, 4 transfer, 5 deposit; a and b pick accounts or holds. */
    record Step(int kind, int a, int b, long amount) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(1, ACCOUNTS),
                        Arbitraries.integers().between(0, ACCOUNTS),
                        Arbitraries.longs().between(1, 4_000))
                .as(Step::new)
                .list()
                .ofMaxSize(150);
    }

    @Property(tries = 300)
    void holdsNeverOverdrawAndHeldIsTheSumOfLiveHolds(
            @ForAll("steps") List<Step> steps, @ForAll("batches") List<Integer> batchSizes) {
        Map<Long, AccountState> committed = new HashMap<>();
        for (long i = 1; i <= ACCOUNTS; i++) {
            committed.put(1000 + i, new AccountState(1000 + i, "o", EUR, 0, 0, true, false));
        }
        List<long[]> live = new ArrayList<>(); // {account, amount}
        long cash = 0;
        int next = 0;
        int batch = 0;
        while (next < steps.size()) {
            int size = Math.min(batchSizes.get(batch++ % batchSizes.size()), steps.size() - next);
            BatchState state = new BatchState(committed);
            for (Step step : steps.subList(next, next + size)) {
                long account = 1000 + step.a();
                try {
                    switch (step.kind()) {
                        case 0 -> {
                            state.reserve(account, Money.ofMinor(step.amount(), EUR));
                            live.add(new long[] {account, step.amount()});
                        }
                        case 1, 2, 3 -> {
                            if (live.isEmpty()) {
                                continue;
                            }
                            long[] hold = live.remove((int) (step.amount() % live.size()));
                            if (step.kind() == 1) {
                                long captured = 1 + step.amount() % hold[1];
                                long to = step.b() == 0 ? CASH : 1000 + step.b();
                                try {
                                    PostingRules.Posting posting = state.applyReleasing(
                                            new Movement(hold[0], to, Money.ofMinor(captured, EUR)), hold[0], hold[1]);
                                    cash += posting.entries().stream()
                                            .filter(e -> e.accountId() == CASH)
                                            .mapToLong(Entry::amountMinor)
                                            .sum();
                                } catch (ProblemException refused) {
                                    live.add(hold); // same_account: the hold stays pending
                                    throw refused;
                                }
                            } else {
                                state.release(hold[0], hold[1], true);
                            }
                        }
                        case 4 ->
                            state.apply(new Movement(
                                    account, 1000 + Math.max(1, step.b()), Money.ofMinor(step.amount(), EUR)));
                        default -> {
                            state.apply(new Movement(CASH, account, Money.ofMinor(step.amount(), EUR)));
                            cash -= step.amount();
                        }
                    }
                } catch (ProblemException refused) {
                    assertThat(refused.code()).isIn("insufficient_funds", "same_account");
                }
            }
            committed.putAll(state.changed());
            next += size;
            long customers = 0;
            for (AccountState a : committed.values()) {
                long held = live.stream()
                        .filter(h -> h[0] == a.id())
                        .mapToLong(h -> h[1])
                        .sum();
                assertThat(a.heldMinor()).as("held of %d", a.id()).isEqualTo(held);
                assertThat(a.availableMinor()).isNotNegative();
                customers += a.balanceMinor();
            }
            assertThat(customers + cash).as("customers plus the cash account").isZero();
        }
    }

    @Provide
    Arbitrary<List<Integer>> batches() {
        return Arbitraries.integers().between(1, 20).list().ofMinSize(1).ofMaxSize(20);
    }
}
