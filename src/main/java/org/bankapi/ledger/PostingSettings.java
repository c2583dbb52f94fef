package org.bankapi.ledger;

/** The posting engine's bounds: money requests per batch and waiting in its queue ({@code bank.posting.*}). */
public record PostingSettings(int batchSizeMax, int queueSizeMax) {}
