package org.bankapi.sentinel;

import java.net.URI;

/** Where audit events and fraud alerts go (SENTINEL_ENDPOINT, unset: nowhere) and its bearer token (SENTINEL_TOKEN). */
public record SentinelSettings(URI endpoint, String token) {

    @Override
    public String toString() {
        return "SentinelSettings[endpoint=" + endpoint + "]";
    }
}
