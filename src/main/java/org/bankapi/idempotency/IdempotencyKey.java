package org.bankapi.idempotency;

import org.bankapi.web.error.ProblemException;

/** A client's Idempotency-Key: 1 to 255 printable ASCII characters. */
record IdempotencyKey(String value) {

    static final int CHARS_MAX = 255;

    IdempotencyKey {
        if (value == null || value.isEmpty() || value.length() > CHARS_MAX || !printableAscii(value)) {
            throw ProblemException.validation(
                    "Idempotency-Key", "must be 1 to " + CHARS_MAX + " printable ASCII characters");
        }
    }

    private static boolean printableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
