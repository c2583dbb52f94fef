package org.bankapi.fraud;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bankapi.event.TransactionEvent;
import org.bankapi.ledger.TransactionType;

/**
 * The fraud rules, in plain Java: an amount above the threshold (in major units of any currency,
 * as the original FastAPI design's rule), and more than {@code velocityMax} transactions naming one
 * account within {@code velocityWindow}. Reversals are the bank's own corrections and are never
 * flagged. The three are the fraud feature's settings: FRAUD_THRESHOLD, FRAUD_VELOCITY_MAX,
 * FRAUD_VELOCITY_WINDOW.
 */
public record FraudRules(BigDecimal amountThreshold, int velocityMax, Duration velocityWindow) {

    public FraudRules {
        if (amountThreshold.signum() <= 0
                || velocityMax < 1
                || velocityWindow.isNegative()
                || velocityWindow.isZero()) {
            throw new IllegalArgumentException("fraud rules need a positive threshold, maximum and window");
        }
    }

    public boolean applies(TransactionEvent.Received event) {
        return !TransactionType.REVERSAL.wireName().equals(event.transactionType());
    }

    /** Start of the velocity window of an event (exclusive); the window ends with the event itself. */
    public Instant windowStart(TransactionEvent.Received event) {
        return event.occurredAt().minus(velocityWindow);
    }

    /**
     * The rules this event breaks. {@code recentFromAccount} is the number of transactions naming the
     * event's account inside its window, this one included; it needs to be exact only up to
     * {@code velocityMax + 1}.
     */
    public List<Finding> evaluate(TransactionEvent.Received event, int recentFromAccount) {
        List<Finding> findings = new ArrayList<>(2);
        if (!applies(event)) {
            return findings;
        }
        if (event.amount().toDecimal().compareTo(amountThreshold) > 0) {
            findings.add(new Finding(
                    FraudRule.AMOUNT_THRESHOLD,
                    "amount " + event.amount().toPlainString() + " above " + amountThreshold.toPlainString()));
        }
        if (recentFromAccount > velocityMax) {
            findings.add(new Finding(
                    FraudRule.VELOCITY,
                    "more than " + velocityMax + " transactions within " + velocityWindow.toSeconds() + "s"));
        }
        return findings;
    }

    public record Finding(FraudRule rule, String detail) {}
}
