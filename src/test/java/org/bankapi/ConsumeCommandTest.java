package org.bankapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumeCommandTest {

    @Test
    void refusesToConsumeWithoutABroker() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none");
        assertThat(BankingApplication.run(new String[] {"consume"}, env::get)).isEqualTo(2);
    }
}
