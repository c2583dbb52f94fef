package org.bankapi.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

/**
 * PostgreSQL array parameters, so that one statement ({@code = ANY(:ids)}, {@code unnest(...)})
 * carries a whole list instead of one round trip per element.
 */
public final class SqlArrays {

    private SqlArrays() {}

    public static AbstractSqlTypeValue bigints(long[] values) {
        Long[] boxed = Arrays.stream(values).boxed().toArray(Long[]::new);
        return of("bigint", boxed);
    }

    /** A bigint array whose elements may be null. */
    public static AbstractSqlTypeValue bigints(Long[] values) {
        return of("bigint", values.clone());
    }

    public static AbstractSqlTypeValue ints(Integer[] values) {
        return of("integer", values.clone());
    }

    public static AbstractSqlTypeValue timestamps(Instant[] values) {
        return of(
                "timestamptz",
                Arrays.stream(values)
                        .map(v -> v == null ? null : Timestamp.from(v))
                        .toArray(Timestamp[]::new));
    }

    public static AbstractSqlTypeValue uuids(UUID[] values) {
        return of("uuid", values.clone());
    }

    public static AbstractSqlTypeValue byteas(byte[][] values) {
        return of("bytea", values.clone());
    }

    public static AbstractSqlTypeValue texts(String[] values) {
        return of("text", values.clone());
    }

    private static AbstractSqlTypeValue of(String type, Object[] values) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Array createTypeValue(Connection con, int sqlType, String typeName) throws SQLException {
                return con.createArrayOf(type, values);
            }
        };
    }
}
