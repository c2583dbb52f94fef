package org.bankapi.transaction;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/transactions")
@Tag(name = "Transactions")
class TransactionController {

    private final TransactionService transactions;

    TransactionController(TransactionService transactions) {
        this.transactions = transactions;
    }

    @PostMapping
    @Operation(summary = "Deposit, withdraw or transfer (owner of account_id, or admin)")
    @ApiResponse(
            responseCode = "201",
            description = "Booked (or replayed: Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = TransactionView.class)))
    ResponseEntity<Object> create(@RequestBody CreateTransactionRequest request, HttpServletRequest http) {
        return transactions
                .create(Caller.current(), request, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }

    @GetMapping
    @Operation(
            summary =
                    "A page of transactions, newest first: all for an admin, those touching own accounts for a customer")
    Page<TransactionView> list(
            @RequestParam(name = "account_id", required = false) Long accountId,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return transactions.list(Caller.current(), accountId, type, PageRequest.of(limit, cursor));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One transaction")
    TransactionView get(@PathVariable long id) {
        return transactions.get(Caller.current(), id);
    }

    @PostMapping("/{id}/reverse")
    @Operation(summary = "Post the compensating reversal of a transaction, once (admin)")
    @ApiResponse(
            responseCode = "201",
            description = "The reversal (or replayed: Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = TransactionView.class)))
    ResponseEntity<Object> reverse(
            @PathVariable long id, @RequestBody(required = false) ReverseRequest request, HttpServletRequest http) {
        return transactions
                .reverse(Caller.current(), id, request, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }
}
