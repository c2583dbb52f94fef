package org.bankapi.hold;

import java.time.Duration;

/** How often the sweeper expires the pending holds past their expiry ({@code bank.holds.sweep-interval}). */
public record HoldSettings(Duration sweepInterval) {}
