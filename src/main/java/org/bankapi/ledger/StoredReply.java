package org.bankapi.ledger;

/** The response stored with an Idempotency-Key, returned byte for byte to a retry of the same request. */
public record StoredReply(byte[] requestHash, int status, String contentType, String location, byte[] body) {}
