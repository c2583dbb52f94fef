package org.bankapi.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bankapi.web.error.ProblemException;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

    @Test
    void acceptsOneTo255PrintableAsciiCharacters() {
        assertThat(new IdempotencyKey("!").value()).isEqualTo("!");
        assertThat(new IdempotencyKey("~".repeat(IdempotencyKey.CHARS_MAX)).value())
                .hasSize(255);
        assertThat(new IdempotencyKey("order-7f3a/2026:12:03").value()).isEqualTo("order-7f3a/2026:12:03");
    }

    @Test
    void refusesEmptyOverlongAndNonPrintableKeys() {
        for (String bad :
                new String[] {null, "", "k".repeat(256), "a b", "tab\t", "del\u007f", "Schlüssel", "nul\u0000"}) {
            assertThatThrownBy(() -> new IdempotencyKey(bad))
                    .as(String.valueOf(bad))
                    .isInstanceOf(ProblemException.class);
        }
    }
}
