package org.bankapi.hold;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.security.Caller;
import org.bankapi.transaction.TransactionView;
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
@RequestMapping("/holds")
@Tag(name = "Holds")
class HoldController {

    private final HoldService holds;

    HoldController(HoldService holds) {
        this.holds = holds;
    }

    @PostMapping
    @Operation(summary = "Reserve funds until captured, voided or expired (owner of account_id, or admin)")
    @ApiResponse(
            responseCode = "201",
            description = "Placed (or replayed: Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = HoldView.class)))
    ResponseEntity<Object> place(@RequestBody PlaceHoldRequest request, HttpServletRequest http) {
        return holds.place(Caller.current(), request, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One hold (owner of its account, or admin)")
    HoldView get(@PathVariable long id) {
        return holds.get(Caller.current(), id);
    }

    @GetMapping
    @Operation(summary = "A page of holds, newest first: all for an admin, those of own accounts for a customer")
    Page<HoldView> list(
            @RequestParam(name = "account_id", required = false) Long accountId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return holds.list(Caller.current(), accountId, status, PageRequest.of(limit, cursor));
    }

    @PostMapping("/{id}/capture")
    @Operation(summary = "Capture a pending hold, wholly or partly, as a withdrawal or transfer (admin)")
    @ApiResponse(
            responseCode = "201",
            description = "The booked transaction, with hold_id",
            content = @Content(schema = @Schema(implementation = TransactionView.class)))
    ResponseEntity<Object> capture(
            @PathVariable long id, @RequestBody(required = false) CaptureHoldRequest request, HttpServletRequest http) {
        return holds.capture(Caller.current(), id, request, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }

    @PostMapping("/{id}/void")
    @Operation(summary = "Void a pending hold: its funds are available again (admin)")
    @ApiResponse(
            responseCode = "200",
            description = "The hold, now voided",
            content = @Content(schema = @Schema(implementation = HoldView.class)))
    ResponseEntity<Object> voidHold(@PathVariable long id, HttpServletRequest http) {
        return holds.voidHold(Caller.current(), id, IdempotencyClaim.ATTRIBUTE.get(http))
                .toResponse();
    }
}
