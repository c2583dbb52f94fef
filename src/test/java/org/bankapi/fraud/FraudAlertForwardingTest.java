package org.bankapi.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.bankapi.audit.AuditForwarder;
import org.bankapi.support.CloudTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A fraud alert takes the audit events' way out: the audit's forwarder, to the Sentinel stand-in. */
class FraudAlertForwardingTest extends CloudTest {

    @Autowired
    AuditForwarder forwarder;

    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void fraudAlertsTravelTheSameWay() throws Exception {
        forwarder.forward(
                FraudDetector.forwardedAlert(424242L, "amount_above_threshold", "15000.00", "EUR", Instant.now()));
        eventually(() -> assertThat(SENTINEL.events).anySatisfy(e -> {
            assertThat(e.get("EventType").asString()).isEqualTo("fraud_alert");
            assertThat(e.get("Resource").asString()).isEqualTo("/transactions/424242");
        }));
    }
}
