package org.bankapi.crypto;

/** A key or ciphertext that does not fit: never silently ignored, since it means data cannot be read. */
public class CryptoException extends RuntimeException {
    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
