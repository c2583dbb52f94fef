package org.bankapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

class DatabaseUrlTest {

    @Test
    void aSingleHostUrlBecomesAPlainJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user:p%40ss@db.example:6543/banking_db");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/banking_db");
        assertThat(DatabaseUrls.hostCount(url)).isEqualTo(1);
        assertThat(DatabaseUrl.parse("postgres://u@db/bank").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/bank");
    }

    @Test
    void severalHostsConnectToThePrimaryAndKeepTheUsersParameters() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://bank:s3cr%2Bt%2F%3A@pg-1:5432,pg-2.internal:5433,10.0.0.7/bank?sslmode=require");
        assertThat(url.jdbcUrl())
                .isEqualTo(
                        "jdbc:postgresql://pg-1:5432,pg-2.internal:5433,10.0.0.7:5432/bank?sslmode=require&targetServerType=primary");
        assertThat(url.username()).isEqualTo("bank");
        assertThat(url.password()).isEqualTo("s3cr+t/:");
        assertThat(DatabaseUrls.hostCount(url)).isEqualTo(3);
        assertThat(url.toString()).doesNotContain("s3cr");
    }

    @Test
    void aPasswordMayHoldAPlusAnAtAndUnicode() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:a+b@c%C3%A9@h1,h2/db");
        assertThat(url.password()).isEqualTo("a+b@cé");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary");
    }

    @Test
    void readsTheUriPgAutoctlPrintsWithItsLibpqParameters() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgres://127.0.0.1:6001,127.0.0.1:6002/bank?target_session_attrs=read-write&sslmode=prefer&application_name=bank");
        assertThat(url.jdbcUrl())
                .isEqualTo(
                        "jdbc:postgresql://127.0.0.1:6001,127.0.0.1:6002/bank?targetServerType=primary&sslmode=prefer&ApplicationName=bank");
        assertThat(url.username()).isNull();
    }

    @Test
    void anExplicitTargetServerTypeIsKept() {
        assertThat(DatabaseUrl.parse("postgresql://h1,h2/db?targetServerType=preferSecondary")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=preferSecondary");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=any")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=any");
    }

    @Test
    void theJdbcFormWithSeveralHostsGainsTargetServerTypePrimary() {
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db?user=u&password=p")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?user=u&password=p&targetServerType=primary");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db?password=hunter2")
                        .toString())
                .doesNotContain("hunter2");
    }

    @Test
    void readsIpv6Literals() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5433,[fe80::1%25eth0]/db")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433,[fe80::1%25eth0]:5432/db?targetServerType=primary");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgresql://u:p@h1:5432,/db",
                "postgresql://u:p@,h2/db",
                "postgresql://u:p@h1:0/db",
                "postgresql://u:p@h1:99999/db",
                "postgresql://u:p@h1:54x2/db",
                "postgresql://u:p@h1,h2",
                "postgresql://u:p@h1,h2/",
                "postgresql://u:p@h 1/db",
                "postgresql://u:p@[::1/db",
                "postgresql://u:p%zz@h1/db",
                "postgresql://u:p@h1,h2/db?target_session_attrs=sometimes",
                "jdbc:postgresql://h1:5432,:5433/db",
                "mysql://h/db"
            })
    void badFormsStopWithOneLineNamingDatabaseUrl(String value) {
        assertThatThrownBy(() -> DatabaseUrl.parse(value))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith("DATABASE_URL: ").doesNotContain("\n");
                    assertThat(e.getMessage()).doesNotContain("u:p");
                });
    }

    @Test
    void aTwoHostUrlWhoseFirstHostIsDeadReachesTheSecond() throws Exception {
        int port = EmbeddedDatabase.get().getPort();
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://postgres:postgres@127.0.0.1:" + freePort() + ",127.0.0.1:" + port + "/postgres");
        assertThat(url.jdbcUrl()).contains("targetServerType=primary");

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.username());
        config.setPassword(url.password());
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("connectTimeout", "2");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertThat(JdbcClient.create(pool)
                            .sql("SELECT inet_server_port()")
                            .query(Integer.class)
                            .single())
                    .isEqualTo(port);
            try (Connection connection = pool.getConnection();
                    Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("connected to a primary").isFalse();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
