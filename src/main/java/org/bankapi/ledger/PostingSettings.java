package org.bankapi.ledger;

/**
 * The posting engine's bounds: money requests per batch and waiting in its queue, and how many
 * writers book batches side by side ({@code bank.posting.*}).
 */
public record PostingSettings(int batchSizeMax, int queueSizeMax, int writers) {}
