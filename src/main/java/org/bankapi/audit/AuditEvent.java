package org.bankapi.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One audited fact: who did what to which resource, with which outcome. {@code details} holds only
 * identifiers, amounts and codes, never personal data (holder names, emails, free-text descriptions).
 */
public record AuditEvent(
        Instant occurredAt,
        String requestId,
        String principal,
        String action,
        String resource,
        String outcome,
        String code,
        Map<String, Object> details) {

    public static final String SUCCEEDED = "succeeded";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    public AuditEvent {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        if (!SUCCEEDED.equals(outcome) && !REFUSED.equals(outcome) && !FAILED.equals(outcome)) {
            throw new IllegalArgumentException("outcome must be succeeded, refused or failed, not " + outcome);
        }
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The event as a flat map, the shape forwarded to Sentinel. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("TimeGenerated", occurredAt.toString());
        map.put("EventType", "audit");
        map.put("RequestId", requestId);
        map.put("Principal", principal);
        map.put("Action", action);
        map.put("Resource", resource);
        map.put("Outcome", outcome);
        map.put("Code", code);
        map.put("Details", details);
        return map;
    }
}
