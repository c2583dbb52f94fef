package org.bankapi.audit;

import java.time.Duration;

/** How often the sealer chains the committed audit rows ({@code bank.audit.seal-interval-ms}). */
public record AuditSettings(Duration sealInterval) {}
