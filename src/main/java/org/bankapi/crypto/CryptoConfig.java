package org.bankapi.crypto;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The key-encryption key, chosen once from the settings: every data key is wrapped by it. */
@Configuration
class CryptoConfig {

    /**
     * Key Vault when KEY_VAULT_URL is set (key KEY_VAULT_KEY_NAME, default bank-kek, through
     * DefaultAzureCredential unless a test supplies a {@link KeyVaultKey.Transport}); else the local key file.
     */
    @Bean
    @ConditionalOnMissingBean
    KeyEncryptionKey keyEncryptionKey(
            CryptoSettings crypto, org.springframework.beans.factory.ObjectProvider<KeyVaultKey.Transport> transport) {
        java.nio.file.Path keyDirectory = crypto.keyDirectory();
        if (crypto.keyVaultUrl() == null) {
            return new LocalKeyFile(keyDirectory);
        }
        KeyVaultKey.Transport chosen = transport.getIfAvailable(() ->
                new KeyVaultKey.Transport(new com.azure.identity.DefaultAzureCredentialBuilder().build(), null, false));
        // key ids of an earlier local key file keep unwrapping until rotate-keys moves them into the vault
        java.util.function.Supplier<KeyEncryptionKey> legacy = new java.util.function.Supplier<>() {
            private KeyEncryptionKey local;

            @Override
            public synchronized KeyEncryptionKey get() {
                if (local == null) {
                    if (!java.nio.file.Files.isDirectory(keyDirectory)) {
                        throw new CryptoException(
                                "a data key names a local key file, but " + keyDirectory + " does not exist");
                    }
                    local = new LocalKeyFile(keyDirectory);
                }
                return local;
            }
        };
        return new KeyVaultKey(crypto.keyVaultUrl(), crypto.keyVaultKeyName(), chosen, legacy);
    }
}
