package org.bankapi.account;

import java.time.Instant;

/** An account as the API shows it; {@code balance} is a decimal string with the currency's minor digits. */
public record AccountView(long id, String ownerId, String holderName, String email, String currency, String balance,
                          String status, Instant createdAt) {
}
