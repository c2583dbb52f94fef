package org.bankapi.config;

import java.time.Clock;
import org.bankapi.crypto.KeyEncryptionKey;
import org.bankapi.crypto.LocalKeyFile;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The beans every feature shares: the checked settings, the clock, the key-encryption key. */
@Configuration
public class CoreConfig {

    @Bean
    Settings settings(Environment environment) {
        return Settings.from(environment::getProperty);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    KeyEncryptionKey keyEncryptionKey(Settings settings) {
        return new LocalKeyFile(settings.dataDir().resolve("keys"));
    }
}
