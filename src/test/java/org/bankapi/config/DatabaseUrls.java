package org.bankapi.config;

/** What a parsed DATABASE_URL names, read back from its JDBC URL, for tests. */
final class DatabaseUrls {

    private DatabaseUrls() {}

    /** How many hosts the URL names (more than one: a primary and its standbys). */
    static int hostCount(DatabaseUrl url) {
        String prefix = "jdbc:postgresql://";
        if (!url.jdbcUrl().startsWith(prefix)) {
            return 1;
        }
        String rest = url.jdbcUrl().substring(prefix.length());
        int end = rest.indexOf('/');
        return (end < 0 ? rest : rest.substring(0, end)).split(",").length;
    }
}
