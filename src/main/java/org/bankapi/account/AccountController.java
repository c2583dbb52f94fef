package org.bankapi.account;

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
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/accounts")
@Tag(name = "Accounts")
class AccountController {

    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    @PostMapping
    @Operation(summary = "Open an account (admin)")
    @ApiResponse(
            responseCode = "201",
            description = "Opened (or replayed: Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = AccountView.class)))
    ResponseEntity<Object> open(@RequestBody OpenAccountRequest request, HttpServletRequest http) {
        return accounts.open(Caller.current(), request, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }

    @GetMapping("/{id}")
    @Operation(summary = "An account with its current balance (owner or admin)")
    AccountView get(@PathVariable long id) {
        return accounts.get(Caller.current(), id);
    }

    @GetMapping
    @Operation(summary = "A page of accounts: all for an admin, own for a customer")
    Page<AccountView> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return accounts.list(Caller.current(), PageRequest.of(limit, cursor));
    }

    @PostMapping("/{id}/close")
    @Operation(summary = "Close an account whose balance is zero (admin)")
    AccountView close(@PathVariable long id) {
        return accounts.close(Caller.current(), id);
    }

    @DeleteMapping("/{id}/personal-data")
    @Operation(summary = "Erase the holder's personal data by destroying its key (admin)")
    ResponseEntity<Void> erasePersonalData(@PathVariable long id) {
        accounts.erasePersonalData(Caller.current(), id);
        return ResponseEntity.noContent().build();
    }
}
