package org.bankapi.warmup;

/** The warm-up's time budget (0: off), its workers and the round time at which a worker stops ({@code bank.warmup.*}). */
public record WarmupSettings(long msMax, int workers, long roundMsTarget) {}
