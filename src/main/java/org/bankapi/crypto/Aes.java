package org.bankapi.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a random 96-bit nonce: {@code version(1) | nonce(12) | ciphertext+tag(16)}. */
final class Aes {

    static final int KEY_BYTES = 32;
    private static final byte FORMAT_VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aes() {}

    static byte[] newKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BYTES * 8, RANDOM);
            return generator.generateKey().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    static byte[] encrypt(byte[] key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, secretKey(key), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(FORMAT_VERSION)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    static byte[] decrypt(byte[] key, byte[] ciphertext, byte[] associatedData) {
        if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != FORMAT_VERSION) {
            throw new CryptoException("ciphertext has an unknown format");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE, secretKey(key), new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("ciphertext does not authenticate under this key");
        }
    }

    private static SecretKey secretKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new CryptoException("an AES-256 key has 32 bytes, not " + key.length);
        }
        return new SecretKeySpec(key, "AES");
    }
}
