package org.bankapi.ledger;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bankapi.web.RequestKey;

/**
 * An Idempotency-Key as the engine claims it, in the same database transaction as the booking:
 * the key scoped to its principal and the hash of the request it first came with.
 */
public record IdempotencyClaim(String principal, String key, byte[] requestHash) {

    /** The request attribute under which the idempotency filter hands a money request's claim to its controller. */
    public static final RequestKey<IdempotencyClaim> ATTRIBUTE =
            RequestKey.of(IdempotencyClaim.class, "claim", IdempotencyClaim.class);

    public IdempotencyClaim {
        if (principal == null || key == null || requestHash == null) {
            throw new IllegalArgumentException("a claim has a principal, a key and a request hash");
        }
        requestHash = requestHash.clone();
    }

    public Id id() {
        return new Id(principal, key);
    }

    public boolean sameRequest(byte[] otherHash) {
        return MessageDigest.isEqual(requestHash, otherHash);
    }

    @Override
    public byte[] requestHash() {
        return requestHash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdempotencyClaim c && c.id().equals(id()) && Arrays.equals(c.requestHash, requestHash);
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    /** A key as it is unique: per principal. */
    public record Id(String principal, String key) {}
}
