package org.bankapi.crypto;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the key-encryption key lives (KEY_VAULT_URL and KEY_VAULT_KEY_NAME, else the local key file
 * under BANK_DATA_DIR) and how many data keys are wrapped ahead ({@code bank.crypto.data-key-pool-size-max};
 * 0 outside {@code serve}, because {@code consume} and {@code rotate-keys} open no accounts).
 */
public record CryptoSettings(URI keyVaultUrl, String keyVaultKeyName, Path keyDirectory, int dataKeyPoolSizeMax) {

    public static final String KEY_VAULT_KEY_NAME_DEFAULT = "bank-kek";
}
