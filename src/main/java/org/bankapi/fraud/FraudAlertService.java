package org.bankapi.fraud;

import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.springframework.stereotype.Service;

/** Reading fraud alerts: admins only, newest first. */
@Service
class FraudAlertService {

    private final FraudAlertRepository alerts;

    FraudAlertService(FraudAlertRepository alerts) {
        this.alerts = alerts;
    }

    Page<FraudAlertView> list(Caller caller, PageRequest page) {
        caller.requireAdmin();
        return page.page(alerts.page(page.afterId(), page.fetchSize()), FraudAlert::id, FraudAlertView::of);
    }
}
