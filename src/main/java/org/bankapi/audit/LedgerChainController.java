package org.bankapi.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.bankapi.ledger.LedgerChainVerifier;
import org.bankapi.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /audit/verify-ledger} (admin): rechecks every account's chain of running balances. */
@RestController
@Tag(name = "Audit")
class LedgerChainController {

    private final LedgerChainVerifier verifier;

    LedgerChainController(LedgerChainVerifier verifier) {
        this.verifier = verifier;
    }

    @GetMapping("/audit/verify-ledger")
    @Operation(
            summary = "Check that each account's entries chain through their balance_after (admin)",
            description =
                    "In booking order: the first balance_after is its amount, each next one the previous plus its "
                            + "amount, the last one the account's balance. Reports the first break.",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            description = "the outcome",
                            content =
                                    @Content(
                                            examples = {
                                                @ExampleObject(
                                                        name = "valid",
                                                        value =
                                                                "{\"valid\": true, \"accounts\": 1200, \"entries\": 48210}"),
                                                @ExampleObject(
                                                        name = "broken",
                                                        value =
                                                                "{\"valid\": false, \"accounts\": 500, \"entries\": 20011, "
                                                                        + "\"first_bad_account\": 4503599627370517, \"first_bad_entry\": 9321, "
                                                                        + "\"reason\": \"the previous balance_after plus the amount is not the balance_after\"}")
                                            })))
    Map<String, Object> verify() {
        Caller.current().requireAdmin();
        return verifier.verify();
    }
}
