package org.bankapi.observability;

/** ECS field names the service puts in its logs beyond Boot's own (the Kibana objects rely on them). */
public final class LogFields {

    public static final String USER_ID = "user.id";

    private LogFields() {}
}
