package org.bankapi.account;

import java.time.Instant;

/**
 * An account as the API shows it; {@code balance} is a decimal string with the currency's minor digits,
 * {@code availableBalance} the balance less the pending holds.
 */
public record AccountView(
        long id,
        String ownerId,
        String holderName,
        String email,
        String currency,
        String balance,
        String availableBalance,
        String status,
        Instant createdAt) {}
