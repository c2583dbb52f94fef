package org.bankapi.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code DATABASE_URL} in the original FastAPI design's {@code postgresql://user:pass@host:port/db} form, with several
 * hosts for a highly available group ({@code postgresql://u:p@h1:5432,h2:5433/db}, as
 * {@code pg_autoctl show uri} prints it), or as a JDBC URL. With several hosts the driver is told to
 * connect to the primary ({@code targetServerType=primary}) unless the URL already says otherwise.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

    static final String VARIABLE = "DATABASE_URL";
    private static final String JDBC_PREFIX = "jdbc:postgresql:";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final int DEFAULT_PORT = 5432;

    public static DatabaseUrl parse(String value) {
        if (value.startsWith(JDBC_PREFIX)) {
            return new DatabaseUrl(jdbc(value), null, null);
        }
        String rest;
        if (value.startsWith("postgresql://")) {
            rest = value.substring("postgresql://".length());
        } else if (value.startsWith("postgres://")) {
            rest = value.substring("postgres://".length());
        } else {
            throw new ConfigurationException(
                    VARIABLE, "must be postgresql://user:pass@host:port[,host:port]/db or a jdbc:postgresql: URL");
        }
        int queryAt = rest.indexOf('?');
        String query = queryAt < 0 ? null : rest.substring(queryAt + 1);
        String beforeQuery = queryAt < 0 ? rest : rest.substring(0, queryAt);
        int at = beforeQuery.lastIndexOf('@');
        String userInfo = at < 0 ? null : beforeQuery.substring(0, at);
        String hostsAndPath = beforeQuery.substring(at + 1);
        int slash = hostsAndPath.indexOf('/');
        String hostList = slash < 0 ? hostsAndPath : hostsAndPath.substring(0, slash);
        String database = slash < 0 ? "" : hostsAndPath.substring(slash + 1);
        if (database.isEmpty() || database.contains("/")) {
            throw new ConfigurationException(
                    VARIABLE, "must name a host and a database: postgresql://user:pass@host:port/db");
        }
        List<String> hosts = hosts(hostList);
        String username = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (username.isEmpty()) {
                username = null;
            }
        }
        List<String> parameters = new ArrayList<>();
        if (query != null && !query.isEmpty()) {
            for (String parameter : query.split("&")) {
                if (!parameter.isEmpty()) {
                    parameters.add(libpqToJdbc(parameter));
                }
            }
        }
        return new DatabaseUrl(jdbcUrl(hosts, database, parameters), username, password);
    }

    /** A JDBC URL as given, plus {@code targetServerType=primary} when it names several hosts and no target. */
    private static String jdbc(String value) {
        String rest = value.substring(JDBC_PREFIX.length());
        if (!rest.startsWith("//")) {
            return value;
        }
        rest = rest.substring(2);
        int queryAt = rest.indexOf('?');
        String beforeQuery = queryAt < 0 ? rest : rest.substring(0, queryAt);
        int slash = beforeQuery.indexOf('/');
        String hostList = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        List<String> hosts = hosts(hostList);
        List<String> parameters = new ArrayList<>();
        if (queryAt >= 0) {
            for (String parameter : rest.substring(queryAt + 1).split("&")) {
                if (!parameter.isEmpty()) {
                    parameters.add(parameter);
                }
            }
        }
        if (hosts.size() > 1 && parameters.stream().noneMatch(p -> name(p).equalsIgnoreCase("targetServerType"))) {
            return value + (queryAt < 0 ? "?" : value.endsWith("?") || value.endsWith("&") ? "" : "&")
                    + "targetServerType=primary";
        }
        return value;
    }

    private static String jdbcUrl(List<String> hosts, String database, List<String> parameters) {
        List<String> all = new ArrayList<>(parameters);
        if (hosts.size() > 1 && all.stream().noneMatch(p -> name(p).equalsIgnoreCase("targetServerType"))) {
            all.add("targetServerType=primary");
        }
        return "jdbc:postgresql://" + String.join(",", hosts) + "/" + database
                + (all.isEmpty() ? "" : "?" + String.join("&", all));
    }

    /** Each {@code host[:port]} (a name, an IPv4 address or a bracketed IPv6 literal), checked and with its port. */
    private static List<String> hosts(String hostList) {
        if (hostList.isEmpty()) {
            throw new ConfigurationException(
                    VARIABLE, "must name a host and a database: postgresql://user:pass@host:port/db");
        }
        List<String> hosts = new ArrayList<>();
        for (String spec : hostList.split(",", -1)) {
            String host;
            String port;
            if (spec.startsWith("[")) {
                int close = spec.indexOf(']');
                if (close < 0 || !IPV6.matcher(spec.substring(1, close)).matches()) {
                    throw new ConfigurationException(VARIABLE, "has a malformed IPv6 host: write it as [address]:port");
                }
                host = spec.substring(0, close + 1);
                String after = spec.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw new ConfigurationException(VARIABLE, "has a malformed host '" + spec + "': write host:port");
                }
                port = after.isEmpty() ? null : after.substring(1);
            } else {
                int colon = spec.indexOf(':');
                host = colon < 0 ? spec : spec.substring(0, colon);
                port = colon < 0 ? null : spec.substring(colon + 1);
                if (!HOST_NAME.matcher(host).matches()) {
                    throw new ConfigurationException(
                            VARIABLE,
                            "has an empty or malformed host in '" + hostList + "': write host:port[,host:port]");
                }
            }
            int number = DEFAULT_PORT;
            if (port != null) {
                if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    throw new ConfigurationException(VARIABLE, "has a bad port '" + port + "': a port is 1 to 65535");
                }
                number = Integer.parseInt(port);
            }
            hosts.add(host + ":" + number);
        }
        return hosts;
    }

    /** libpq's parameter names that pg_autoctl and psql users write, in the JDBC driver's words; others pass as they are. */
    private static String libpqToJdbc(String parameter) {
        String name = name(parameter);
        String value = parameter.length() > name.length() ? parameter.substring(name.length() + 1) : "";
        return switch (name) {
            case "target_session_attrs" ->
                "targetServerType="
                        + switch (value.toLowerCase(Locale.ROOT)) {
                            case "read-write", "primary" -> "primary";
                            case "read-only", "standby" -> "secondary";
                            case "prefer-standby" -> "preferSecondary";
                            case "any" -> "any";
                            default ->
                                throw new ConfigurationException(
                                        VARIABLE, "has an unknown target_session_attrs '" + value + "'");
                        };
            case "application_name" -> "ApplicationName=" + value;
            case "connect_timeout" -> "connectTimeout=" + value;
            default -> parameter;
        };
    }

    private static String name(String parameter) {
        int equals = parameter.indexOf('=');
        return equals < 0 ? parameter : parameter.substring(0, equals);
    }

    /** RFC 3986 percent-decoding (a '+' stays a '+', unlike form decoding). */
    private static String decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()
                        || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new ConfigurationException(
                            VARIABLE, "has a malformed percent-escape in its user or password");
                }
                out.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                byte[] bytes = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***") + ", user=" + username + "]";
    }
}
