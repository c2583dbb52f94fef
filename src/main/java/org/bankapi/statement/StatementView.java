package org.bankapi.statement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A statement as the API shows it: the window, its opening and closing balances (always of the whole
 * window, whatever the page) and one page of its entries, oldest first, amounts signed.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record StatementView(
        @Schema(example = "4503599627370517") long accountId,
        @Schema(example = "EUR") String currency,
        @Schema(example = "2026-11-01T00:00:00Z") Instant from,
        @Schema(example = "2026-12-01T00:00:00Z") Instant to,

        @Schema(example = "100.00", description = "the balance after every entry booked before `from`")
        String openingBalance,

        @Schema(example = "224.50", description = "the balance after every entry booked before `to`")
        String closingBalance,

        List<Line> entries,
        @Schema(example = "aWQ6MTI0", nullable = true) String nextCursor) {

    /** One entry of the statement; {@code amount} is positive for a credit, negative for a debit. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Line(
            @Schema(example = "124") long transactionId,

            @Schema(
                    example = "transfer",
                    allowableValues = {"deposit", "withdrawal", "transfer", "reversal"})
            String type,

            @Schema(example = "-25.50") String amount,
            @Schema(example = "224.50") String balanceAfter,

            @Schema(example = "rent, November", nullable = true)
            String description,

            @Schema(example = "2026-11-03T09:15:02.123456Z") Instant createdAt) {}
}
