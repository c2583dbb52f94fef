package org.bankapi.cache;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

/** Reads the committed balance and version of customer accounts, for the refresh after a commit. */
class BalanceQueries {

    private final JdbcClient jdbc;

    BalanceQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<CachedBalance> committed(Collection<Long> accountIds) {
        Long[] ids = accountIds.stream().distinct().toArray(Long[]::new);
        return jdbc.sql("SELECT id, balance_minor, balance_version FROM accounts WHERE id = ANY(:ids) AND kind = 'customer'")
                .param("ids", new AbstractSqlTypeValue() {
                    @Override
                    protected Array createTypeValue(Connection con, int sqlType, String typeName) throws SQLException {
                        return con.createArrayOf("bigint", ids);
                    }
                })
                .query((rs, n) -> new CachedBalance(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .list();
    }
}
