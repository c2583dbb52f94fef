package org.bankapi.archfixture.web;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.web.bind.annotation.RestController;

/** Holds the annotated fixtures as inner classes, so that component scanning never registers them. */
public class AnnotatedFixtures {

    /** Breaks the repositories rule: public. */
    @Repository
    public class PublicRepository {}

    /** Breaks the controller rules: public, with SQL, calling a repository. */
    @RestController
    public class ControllerWithSql {

        JdbcClient jdbc;
        PublicRepository repository;
    }
}
