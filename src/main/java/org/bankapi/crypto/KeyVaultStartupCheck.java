package org.bankapi.crypto;

import org.bankapi.config.ConfigurationException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Before the server takes requests: with Key Vault configured and encrypted personal data present,
 * the vault must answer, or the start stops with one line. It never falls back to another key.
 * Without data yet, an unreachable vault only warns (the first account opened will retry it).
 */
@Component
public class KeyVaultStartupCheck implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(KeyVaultStartupCheck.class);

    private final KeyEncryptionKey kek;
    private final JdbcClient jdbc;

    public KeyVaultStartupCheck(KeyEncryptionKey kek, JdbcClient jdbc, ObjectProvider<Flyway> flyway) {
        this.kek = kek;
        this.jdbc = jdbc;
        if (flyway != null) {
            flyway.getIfAvailable(); // the schema first
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!(kek instanceof KeyVaultKey vault)) {
            return;
        }
        boolean dataPresent = jdbc.sql("SELECT EXISTS (SELECT 1 FROM data_keys WHERE wrapped_key IS NOT NULL)")
                .query(Boolean.class)
                .single();
        try {
            log.info("Key Vault key in use: {}", vault.refresh());
        } catch (RuntimeException e) {
            String reason = e.getClass().getSimpleName()
                    + (e.getMessage() == null
                            ? ""
                            : ": " + e.getMessage().lines().findFirst().orElse(""));
            if (dataPresent) {
                throw new ConfigurationException(
                        "KEY_VAULT_URL",
                        "Key Vault is unreachable while encrypted personal data exists; refusing to start (" + reason
                                + ")");
            }
            log.warn(
                    "Key Vault is unreachable at start-up ({}); there is no encrypted data yet, so the start goes on",
                    reason);
        }
    }
}
