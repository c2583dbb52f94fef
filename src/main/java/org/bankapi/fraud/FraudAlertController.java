package org.bankapi.fraud;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/fraud-alerts")
@Tag(name = "Fraud alerts")
class FraudAlertController {

    private final FraudAlertService alerts;

    FraudAlertController(FraudAlertService alerts) {
        this.alerts = alerts;
    }

    @GetMapping
    @Operation(summary = "A page of fraud alerts, newest first (admin)")
    Page<FraudAlertView> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return alerts.list(Caller.current(), PageRequest.of(limit, cursor));
    }
}
