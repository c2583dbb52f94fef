package org.bankapi.crypto;

/**
 * The key that wraps the per-account data keys: a local key file or an Azure Key Vault key. Each
 * wrapped key names the key-encryption key version that wrapped it, so keys can rotate.
 */
public interface KeyEncryptionKey {

    /** The identifier of the current version, stored beside every key it wraps. */
    String currentId();

    /**
     * Wraps under the current version and names that version: the id and the wrapping always match,
     * even while another thread makes a newer version current (reading {@link #currentId()} and then
     * wrapping then could pair an old id with a new wrapping).
     */
    Wrapped wrapCurrent(byte[] dataKey);

    /** A data key wrapped by the key-encryption key version {@code keyId}. */
    record Wrapped(String keyId, byte[] wrappedKey) {}

    byte[] unwrap(String keyId, byte[] wrappedKey);
}
