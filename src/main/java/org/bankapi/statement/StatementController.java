package org.bankapi.statement;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.security.Caller;
import org.bankapi.web.error.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Statements (JSON pages, or the whole window as CSV with {@code Accept: text/csv} or
 * {@code ?format=csv}) and balances at a point in time. The CSV is written straight to the response
 * as the rows arrive, on the request's own thread (not an async dispatch), so filters see its real outcome.
 */
@RestController
@RequestMapping("/accounts")
@Tag(name = "Statements")
class StatementController {

    static final String TEXT_CSV = "text/csv";
    private static final String CSV_EXAMPLE = """
            transaction_id,created_at,type,description,amount,balance_after\r
            118,2026-11-02T08:00:00.000001Z,deposit,salary,2000.00,2100.00\r
            124,2026-11-03T09:15:02.123456Z,transfer,"rent, November",-25.50,2074.50\r
            """;
    private static final String JSON_EXAMPLE = """
            {"account_id": 4503599627370517, "currency": "EUR",
             "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z",
             "opening_balance": "100.00", "closing_balance": "2074.50",
             "entries": [
               {"transaction_id": 118, "type": "deposit", "amount": "2000.00", "balance_after": "2100.00",
                "description": "salary", "created_at": "2026-11-02T08:00:00.000001Z"},
               {"transaction_id": 124, "type": "transfer", "amount": "-25.50", "balance_after": "2074.50",
                "description": "rent, November", "created_at": "2026-11-03T09:15:02.123456Z"}],
             "next_cursor": null}""";

    private final StatementService statements;

    StatementController(StatementService statements) {
        this.statements = statements;
    }

    @GetMapping("/{id}/statement")
    @Operation(
            summary = "A statement of the account over a time window (owner or admin)",
            description = "Entries booked in [from, to), oldest first, amounts signed (credit positive). "
                    + "opening_balance and closing_balance cover the whole window whatever the page: opening + "
                    + "the sum of all the window's amounts = closing. Without from and to: the current calendar month "
                    + "(UTC); with one of them: one calendar month from (or up to) it. At most 366 days. "
                    + "`Accept: text/csv` or `format=csv` returns the whole window unpaged as CSV.",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "the statement",
                        content = {
                            @Content(
                                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                                    schema = @Schema(implementation = StatementView.class),
                                    examples = @ExampleObject(value = JSON_EXAMPLE)),
                            @Content(
                                    mediaType = TEXT_CSV,
                                    schema = @Schema(type = "string"),
                                    examples = @ExampleObject(value = CSV_EXAMPLE))
                        }),
                @ApiResponse(
                        responseCode = "400",
                        description = "malformed instant, from not before to, more than 366 days, bad limit or cursor"),
                @ApiResponse(responseCode = "403", description = "someone else's account"),
                @ApiResponse(responseCode = "404", description = "no such account")
            })
    StatementView statement(
            @PathVariable long id,
            @Parameter(description = "RFC 3339 instant, inclusive", example = "2026-11-01T00:00:00Z")
                    @RequestParam(required = false)
                    String from,
            @Parameter(description = "RFC 3339 instant, exclusive", example = "2026-12-01T00:00:00Z")
                    @RequestParam(required = false)
                    String to,
            @Parameter(description = "entries per page, 1 to 1000", example = "200") @RequestParam(required = false)
                    Integer limit,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(
                            description = "csv for the whole window as CSV (as `Accept: text/csv` does)",
                            schema = @Schema(allowableValues = {"json", "csv"}))
                    @RequestParam(required = false)
                    String format,
            @Parameter(hidden = true) @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
            HttpServletResponse response)
            throws IOException {
        if (format != null && !"json".equals(format) && !"csv".equals(format)) {
            throw ProblemException.validation("format", "must be json or csv");
        }
        if ("csv".equals(format) || (format == null && prefersCsv(accept))) {
            // written here, as the rows arrive; null tells Spring the response is complete
            write(statements.statementCsv(Caller.current(), id, from, to), response);
            return null;
        }
        return statements.statement(
                Caller.current(), id, new StatementService.StatementRequest(from, to, limit, cursor));
    }

    @GetMapping("/{id}/balance")
    @Operation(
            summary = "The account's balance at a point in time (owner or admin)",
            description = "The balance after every transaction booked at or before `at`. `at` in the future or before "
                    + "the account was opened: 400.",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "the balance",
                        content =
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        schema = @Schema(implementation = BalanceAtView.class),
                                        examples = @ExampleObject(value = """
                                {"account_id": 4503599627370517, "currency": "EUR", "balance": "2074.50",
                                 "at": "2026-11-30T23:59:59Z"}"""))),
                @ApiResponse(
                        responseCode = "400",
                        description = "at missing, malformed, in the future or before the account was opened"),
                @ApiResponse(responseCode = "403", description = "someone else's account"),
                @ApiResponse(responseCode = "404", description = "no such account")
            })
    BalanceAtView balance(
            @PathVariable long id,
            @Parameter(description = "RFC 3339 instant", example = "2026-11-30T23:59:59Z", required = true)
                    @RequestParam(required = false)
                    String at) {
        return statements.balanceAt(Caller.current(), id, at);
    }

    /** CSV when the client names text/csv and does not rank application/json above it. */
    static boolean prefersCsv(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double csv = 0;
        double json = 0;
        try {
            for (MediaType type : MediaType.parseMediaTypes(accept)) {
                if (type.getType().equals("text") && type.getSubtype().equals("csv")) {
                    csv = Math.max(csv, type.getQualityValue());
                } else if (type.getType().equals("application")
                        && type.getSubtype().equals("json")) {
                    json = Math.max(json, type.getQualityValue());
                }
            }
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return csv > 0 && csv >= json;
    }

    private static void write(StatementCsv csv, HttpServletResponse response) throws IOException {
        response.setContentType(TEXT_CSV + ";charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + csv.fileName() + "\"");
        csv.writeTo(response.getOutputStream());
    }
}
