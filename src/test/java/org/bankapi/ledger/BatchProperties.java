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
 * Any sequence of postings split into any batches leaves the same balances, the same entries and the
 * same refusals as the same sequence posted one by one: batching amortises work, it changes no outcome.
 */
class BatchProperties {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final int ACCOUNTS = 4;

    record Operation(int from, int to, long amount) {}

    @Provide
    Arbitrary<List<Operation>> operations() {
        // index 0 stands for the cash account; 1..ACCOUNTS are customers
        Arbitrary<Operation> operation = Combinators.combine(
                        Arbitraries.integers().between(0, ACCOUNTS),
                        Arbitraries.integers().between(0, ACCOUNTS),
                        Arbitraries.longs().between(1, 5_000))
                .as(Operation::new);
        return operation.list().ofMaxSize(120);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 30).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void batchesOfAnySizeBookWhatOneByOneBooks(
            @ForAll("operations") List<Operation> operations, @ForAll("cuts") List<Integer> batchSizes) {
        Result oneByOne = oneByOne(operations);
        Result batched = run(operations, batchSizes);
        assertThat(batched.balances()).isEqualTo(oneByOne.balances());
        assertThat(batched.entries()).isEqualTo(oneByOne.entries());
        assertThat(batched.refusals()).isEqualTo(oneByOne.refusals());
        long customers =
                batched.balances().values().stream().mapToLong(Long::longValue).sum();
        long cash = batched.entries().stream()
                .filter(e -> e.accountId() == AccountState.cashAccountId(EUR))
                .mapToLong(Entry::amountMinor)
                .sum();
        assertThat(customers + cash).isZero();
        batched.balances().values().forEach(balance -> assertThat(balance).isNotNegative());
    }

    record Result(Map<Long, Long> balances, List<Entry> entries, List<String> refusals) {}

    /** Each posting by the rules alone, on the state the previous one left: no batch state involved. */
    private static Result oneByOne(List<Operation> operations) {
        Map<Long, AccountState> accounts = customers();
        accounts.put(AccountState.cashAccountId(EUR), AccountState.cashAccount(EUR));
        List<Entry> entries = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Operation op : operations) {
            try {
                PostingRules.Posting posting = PostingRules.apply(
                        new Movement(id(op.from()), id(op.to()), Money.ofMinor(op.amount(), EUR)), accounts);
                accounts.putAll(posting.accountsAfter());
                entries.addAll(posting.entries());
                refusals.add("booked");
            } catch (ProblemException refused) {
                refusals.add(refused.code());
            }
        }
        Map<Long, Long> balances = new HashMap<>();
        accounts.values().stream().filter(a -> !a.cash()).forEach(a -> balances.put(a.id(), a.balanceMinor()));
        return new Result(balances, entries, refusals);
    }

    private static Map<Long, AccountState> customers() {
        Map<Long, AccountState> accounts = new HashMap<>();
        for (long i = 1; i <= ACCOUNTS; i++) {
            accounts.put(1000 + i, new AccountState(1000 + i, "o", EUR, 0, 0, true, false));
        }
        return accounts;
    }

    /** Posts the operations in batches of the given sizes (cycled), each batch on the state the previous ones committed. */
    private static Result run(List<Operation> operations, List<Integer> batchSizes) {
        Map<Long, AccountState> committed = customers();
        List<Entry> entries = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        int next = 0;
        int batch = 0;
        while (next < operations.size()) {
            int size = Math.min(batchSizes.get(batch++ % batchSizes.size()), operations.size() - next);
            BatchState state = new BatchState(committed);
            for (Operation op : operations.subList(next, next + size)) {
                try {
                    PostingRules.Posting posting =
                            state.apply(new Movement(id(op.from()), id(op.to()), Money.ofMinor(op.amount(), EUR)));
                    entries.addAll(posting.entries());
                    refusals.add("booked");
                } catch (ProblemException refused) {
                    refusals.add(refused.code());
                }
            }
            committed.putAll(state.changed());
            next += size;
        }
        Map<Long, Long> balances = new HashMap<>();
        committed.forEach((id, account) -> balances.put(id, account.balanceMinor()));
        return new Result(balances, entries, refusals);
    }

    private static long id(int index) {
        return index == 0 ? AccountState.cashAccountId(EUR) : 1000 + index;
    }
}
