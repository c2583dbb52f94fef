package org.bankapi.observability;

/** LOGSTASH_HOST and LOGSTASH_PORT, both or neither: where the JSON log lines are shipped too. */
public record LogstashSettings(String host, Integer port) {

    public boolean enabled() {
        return host != null;
    }
}
