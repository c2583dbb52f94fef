package org.bankapi.crypto;

/** Personal data as stored: AES-256-GCM ciphertexts under the account's own data key. */
public record SealedPersonalData(byte[] holderName, byte[] email) {}
