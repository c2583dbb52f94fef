package org.bankapi.archfixture.web;

import java.sql.SQLTransientException;

/** Breaks nothing: telling SQL failures apart (as web.TransientFailures does) is not running SQL. */
public class KnowsSqlFailures {

    public boolean isTransient(Throwable failure) {
        return failure instanceof SQLTransientException;
    }
}
