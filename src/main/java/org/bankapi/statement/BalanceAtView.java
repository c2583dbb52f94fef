package org.bankapi.statement;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** An account's balance after every transaction booked at or before {@code at}. */
record BalanceAtView(
        @Schema(example = "4503599627370517") long accountId,
        @Schema(example = "EUR") String currency,
        @Schema(example = "224.50") String balance,
        @Schema(example = "2026-11-30T23:59:59Z") Instant at) {}
