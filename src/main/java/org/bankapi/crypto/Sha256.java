package org.bankapi.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every JDK has: one place for the algorithm's name and its impossible checked exception. */
public final class Sha256 {

    private Sha256() {}

    /** Cloned for each digest: a provider look-up per hash cost 1 % of a transfer's CPU. */
    private static final MessageDigest PROTOTYPE = lookUp();

    /** A fresh digest, for input that arrives in many parts. */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The hash of the parts, one after the other. */
    public static byte[] of(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }
}
