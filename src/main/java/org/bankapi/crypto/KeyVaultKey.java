package org.bankapi.crypto;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The key-encryption key as an RSA key in Azure Key Vault, which wraps and unwraps data keys itself so
 * the private key never leaves it. Versions, rotation and the move from the key file: docs/security.md.
 */
public final class KeyVaultKey implements KeyEncryptionKey {

    /** How the clients reach the vault: production uses DefaultAzureCredential and the default HTTP client. */
    public record Transport(TokenCredential credential, HttpClient httpClient, boolean skipChallengeResourceCheck) {}

    private final URI vault;
    private final String keyName;
    private final Transport transport;
    private final KeyClient keys;
    private final Supplier<KeyEncryptionKey> legacy;
    private final Map<String, CryptographyClient> clients = new ConcurrentHashMap<>();
    private volatile String currentId;

    public KeyVaultKey(URI vault, String keyName, Transport transport, Supplier<KeyEncryptionKey> legacy) {
        this.vault = vault;
        this.keyName = keyName;
        this.transport = transport;
        this.legacy = legacy;
        KeyClientBuilder builder =
                new KeyClientBuilder().vaultUrl(vault.toString()).credential(transport.credential());
        if (transport.httpClient() != null) {
            builder.httpClient(transport.httpClient());
        }
        if (transport.skipChallengeResourceCheck()) {
            builder.disableChallengeResourceVerification();
        }
        this.keys = builder.buildClient();
    }

    /** Reads the newest enabled version of the key from the vault and makes it current. */
    public String refresh() {
        String id = keys.getKey(keyName).getId();
        if (id == null || !id.startsWith("http")) {
            throw new CryptoException("Key Vault returned no key id for " + keyName);
        }
        currentId = id;
        return id;
    }

    @Override
    public String currentId() {
        String id = currentId;
        return id != null ? id : refresh();
    }

    @Override
    public Wrapped wrapCurrent(byte[] dataKey) {
        String id = currentId();
        try {
            return new Wrapped(
                    id,
                    client(id).wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dataKey).getEncryptedKey());
        } catch (RuntimeException e) {
            throw new CryptoException(
                    "Key Vault could not wrap a data key with " + keyName + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrappedKey) {
        if (!keyId.startsWith("http")) {
            return legacy.get().unwrap(keyId, wrappedKey);
        }
        if (!keyId.startsWith(vault.toString().replaceAll("/+$", "") + "/keys/")) {
            throw new CryptoException("data key was wrapped by a key of another vault: " + keyId);
        }
        try {
            return client(keyId)
                    .unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrappedKey)
                    .getKey();
        } catch (RuntimeException e) {
            throw new CryptoException(
                    "Key Vault could not unwrap a data key with " + keyId + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    private CryptographyClient client(String keyId) {
        return clients.computeIfAbsent(keyId, id -> {
            CryptographyClientBuilder builder = new CryptographyClientBuilder()
                    .keyIdentifier(id)
                    .credential(transport.credential())
                    .disableKeyCaching();
            if (transport.httpClient() != null) {
                builder.httpClient(transport.httpClient());
            }
            if (transport.skipChallengeResourceCheck()) {
                builder.disableChallengeResourceVerification();
            }
            return builder.buildClient();
        });
    }

    @Override
    public String toString() {
        return "KeyVaultKey[" + vault.getHost() + "/" + keyName + "]";
    }
}
