package org.bankapi.archfixture.pricing;

import java.sql.Connection;

/** Breaks the plain-Java rule: a *Rules class that reaches for the database. */
public class DiscountRules {

    public boolean applies(Connection connection) {
        return connection != null;
    }
}
