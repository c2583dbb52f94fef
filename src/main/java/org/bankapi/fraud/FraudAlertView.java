package org.bankapi.fraud;

import java.time.Instant;

/** An alert as GET /fraud-alerts shows it. */
record FraudAlertView(
        long id,
        long transactionId,
        String rule,
        long accountId,
        String amount,
        String currency,
        String detail,
        Instant createdAt) {

    static FraudAlertView of(FraudAlert alert) {
        return new FraudAlertView(
                alert.id(),
                alert.transactionId(),
                alert.rule().wireName(),
                alert.accountId(),
                alert.amount().toPlainString(),
                alert.amount().currency().getCurrencyCode(),
                alert.detail(),
                alert.createdAt());
    }
}
