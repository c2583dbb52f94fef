package org.bankapi.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** {@code DATABASE_URL} in the seed's {@code postgresql://user:pass@host:port/db} form or as a JDBC URL. */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

    public static DatabaseUrl parse(String value) {
        String variable = "DATABASE_URL";
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(value, null, null);
        }
        if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
            throw new ConfigurationException(variable, "must be postgresql://user:pass@host:port/db or a jdbc:postgresql: URL");
        }
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                throw new ConfigurationException(variable, "must name a host and a database: postgresql://user:pass@host:port/db");
            }
            String username = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                username = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
            }
            int port = uri.getPort() == -1 ? 5432 : uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, username, password);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(variable, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + username + "]";
    }
}
