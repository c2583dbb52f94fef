package org.bankapi.crypto;

import com.azure.identity.DefaultAzureCredentialBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
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
    KeyEncryptionKey keyEncryptionKey(CryptoSettings crypto, ObjectProvider<KeyVaultKey.Transport> transport) {
        Path keyDirectory = crypto.keyDirectory();
        if (crypto.keyVaultUrl() == null) {
            return new LocalKeyFile(keyDirectory);
        }
        KeyVaultKey.Transport chosen = transport.getIfAvailable(
                () -> new KeyVaultKey.Transport(new DefaultAzureCredentialBuilder().build(), null, false));
        // key ids of an earlier local key file keep unwrapping until rotate-keys moves them into the vault
        Supplier<KeyEncryptionKey> legacy = new Supplier<>() {
            private KeyEncryptionKey local;

            @Override
            public synchronized KeyEncryptionKey get() {
                if (local == null) {
                    if (!Files.isDirectory(keyDirectory)) {
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
