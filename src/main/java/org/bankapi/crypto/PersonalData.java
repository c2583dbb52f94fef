package org.bankapi.crypto;

/** An account holder's personal data in clear; {@code erased} when its data key was destroyed. */
public record PersonalData(String holderName, String email, boolean erased) {

    public static final String ERASED = "[erased]";

    public static PersonalData of(String holderName, String email) {
        return new PersonalData(holderName, email, false);
    }

    public static PersonalData erasedData() {
        return new PersonalData(ERASED, null, true);
    }

    @Override
    public String toString() {
        return "PersonalData[redacted]";
    }
}
