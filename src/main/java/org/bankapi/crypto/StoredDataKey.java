package org.bankapi.crypto;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An account's data_keys row as a read fetched it with the account (so opening the personal data
 * needs no second query): the data key wrapped by key version {@code kekId}, or destroyed (both null).
 */
public record StoredDataKey(String kekId, byte[] wrappedKey) {

    /** The SQL columns a query joining {@code data_keys} under {@code alias} selects for {@link #of}. */
    public static String columns(String alias) {
        return alias + ".account_id AS data_key_account_id, " + alias + ".kek_id AS data_key_kek_id, " + alias
                + ".wrapped_key AS data_key_wrapped_key";
    }

    /**
     * The join that brings each row's data key along, as {@code alias}: one probe of the primary key
     * per row, by {@code accountId} (the LIMIT keeps the planner from hashing the whole data_keys
     * table for a small page).
     */
    public static String lateralJoin(String accountId, String alias) {
        return " LEFT JOIN LATERAL (SELECT * FROM data_keys d WHERE d.account_id = " + accountId + " LIMIT 1) AS "
                + alias + " ON TRUE";
    }

    /** The key from a row selected with {@link #columns}; null when the account has no data_keys row at all. */
    public static StoredDataKey of(ResultSet rs) throws SQLException {
        rs.getLong("data_key_account_id");
        if (rs.wasNull()) {
            return null;
        }
        return new StoredDataKey(rs.getString("data_key_kek_id"), rs.getBytes("data_key_wrapped_key"));
    }

    public boolean destroyed() {
        return wrappedKey == null;
    }

    @Override
    public String toString() {
        return destroyed() ? "StoredDataKey[destroyed]" : "StoredDataKey[" + kekId + "]";
    }
}
