package org.bankapi.config;

/** A bad or missing environment variable; its message is one line that names the variable. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
