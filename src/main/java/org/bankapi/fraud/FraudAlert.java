package org.bankapi.fraud;

import java.time.Instant;
import org.bankapi.money.Money;

/** A stored alert: one per transaction and rule. */
record FraudAlert(
        long id, long transactionId, FraudRule rule, long accountId, Money amount, String detail, Instant createdAt) {}
