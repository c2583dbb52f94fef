package org.bankapi.crypto;

/**
 * The key that wraps the per-account data keys: a local key file or an Azure Key Vault key. Each
 * wrapped key names the key-encryption key version that wrapped it, so keys can rotate.
 */
public interface KeyEncryptionKey {

    /** The identifier of the current version, stored beside every key it wraps. */
    String currentId();

    byte[] wrap(byte[] dataKey);

    byte[] unwrap(String keyId, byte[] wrappedKey);
}
