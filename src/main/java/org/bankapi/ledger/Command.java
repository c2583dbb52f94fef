package org.bankapi.ledger;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.bankapi.money.Currencies;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/** What a client asked the posting engine to do; checked as far as it can be without the database. */
public sealed interface Command {

    /**
     * A deposit, withdrawal or transfer. {@code requiredOwner}, when not null, must own {@code accountId}
     * (a customer moves money only from or into its own accounts).
     */
    record Post(
            TransactionType type,
            long accountId,
            Long targetAccountId,
            Amount amount,
            String description,
            String requiredOwner)
            implements Command {
        public Post {
            if (type == TransactionType.REVERSAL) {
                throw new IllegalArgumentException("reversals are posted with Command.Reverse");
            }
            if ((type == TransactionType.TRANSFER) != (targetAccountId != null)) {
                throw new IllegalArgumentException("a target account goes with transfers only");
            }
        }
    }

    /** The compensating reversal of a completed transaction, once. */
    record Reverse(long transactionId, String description) implements Command {}

    /** A new account, inserted inside the batch's database transaction, and its initial deposit (or none). */
    record Open(AccountOpening opening, Money initialDeposit) implements Command {}

    /**
     * Reserves funds of {@code accountId} until {@code expiresIn} from booking; a capture later books a
     * withdrawal, or a transfer to {@code targetAccountId} when given.
     */
    record PlaceHold(
            long accountId,
            Long targetAccountId,
            Amount amount,
            String description,
            Duration expiresIn,
            String requiredOwner)
            implements Command {
        public PlaceHold {
            if (expiresIn == null || expiresIn.isNegative() || expiresIn.isZero()) {
                throw new IllegalArgumentException("a hold expires after a positive duration");
            }
        }
    }

    /** Books the hold's capture: all of it when {@code amount} is null, else that much, releasing the rest. */
    record CaptureHold(long holdId, BigDecimal amount) implements Command {}

    /** Releases a pending hold's funds. */
    record VoidHold(long holdId) implements Command {}

    /** Marks a pending hold past its expiry expired (the sweeper), once. */
    record ExpireHold(long holdId) implements Command {}

    /** A new customer account, written by the feature that made it (its {@link AccountOpener}). */
    interface AccountOpening {
        AccountOpener opener();
    }

    /**
     * Writes a batch's new accounts in the batch's database transaction, with one statement per table
     * for all of them; returns their ids in the order given.
     */
    interface AccountOpener {
        long[] insertAll(List<AccountOpening> openings);
    }

    /**
     * An amount as the client wrote it: positive and at most the maximum, in {@code currency} when the
     * client named one, else in the currency of the account, known only once the account is locked.
     */
    record Amount(BigDecimal value, Currency currency) {
        public Amount {
            if (value == null) {
                throw new IllegalArgumentException("an amount has a value");
            }
        }

        /**
         * Reads a client's amount (a decimal string) and optional currency code. A field at fault is
         * named in {@code errors} and null is returned; with a currency the fraction digits are
         * checked now, without it once the account (and so its currency) is locked.
         */
        public static Amount parse(String amount, String currency, Map<String, String> errors) {
            Currency requested = null;
            if (currency != null) {
                try {
                    requested = Currencies.parse(currency);
                } catch (InvalidAmountException e) {
                    errors.put("currency", e.getMessage());
                }
            }
            if (amount == null) {
                errors.put("amount", "is required");
                return null;
            }
            if (currency != null && requested == null) {
                return null;
            }
            try {
                return requested != null
                        ? new Amount(Money.parsePositive(amount, requested).toDecimal(), requested)
                        : new Amount(Money.parseAmount(amount), null);
            } catch (InvalidAmountException e) {
                errors.put("amount", e.getMessage());
                return null;
            }
        }

        /** The money this amount is in the account's currency: 400 when it has too many fraction digits. */
        Money in(Currency accountCurrency) {
            try {
                return Money.ofPositive(value, currency != null ? currency : accountCurrency);
            } catch (InvalidAmountException e) {
                throw ProblemException.validation("amount", e.getMessage());
            }
        }
    }
}
