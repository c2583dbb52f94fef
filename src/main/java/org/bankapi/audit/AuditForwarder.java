package org.bankapi.audit;

import java.util.Map;

/**
 * Where audit events and fraud alerts go after commit (Sentinel, or nowhere). Implementations never
 * block and never throw: a failing destination must not fail a money request.
 */
public interface AuditForwarder {

    /** Queues one event (a flat JSON-able map with a {@code TimeGenerated} field) for forwarding. */
    void forward(Map<String, Object> event);
}
