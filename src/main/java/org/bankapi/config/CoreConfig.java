package org.bankapi.config;

import java.time.Clock;
import org.bankapi.crypto.CryptoSettings;
import org.bankapi.crypto.KeyEncryptionKey;
import org.bankapi.crypto.KeyVaultKey;
import org.bankapi.crypto.LocalKeyFile;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans every feature shares: the clock, the key-encryption key. */
@Configuration
public class CoreConfig {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

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
                        throw new org.bankapi.crypto.CryptoException(
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
