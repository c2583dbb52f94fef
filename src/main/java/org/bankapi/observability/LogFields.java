package org.bankapi.observability;

import org.slf4j.MDC;

/**
 * ECS field names the service puts in its logs beyond Boot's own (the Kibana objects rely on them),
 * and the MDC entries under those names: the request pipeline's thread-bound channel for the request
 * id and the caller, which every later log line, problem body and audit row of the request reads.
 */
public final class LogFields {

    /** Set by the request-id filter for the whole request. */
    public static final String REQUEST_ID = "http.request.id";
    /** Set by the principal filter after authentication; cleared by the outcome filter. */
    public static final String USER_ID = "user.id";

    private LogFields() {}

    /** The id of the request this thread serves, or null outside a request. */
    public static String requestId() {
        return MDC.get(REQUEST_ID);
    }

    /** The authenticated caller of the request this thread serves, or null (anonymous, or outside a request). */
    public static String userId() {
        return MDC.get(USER_ID);
    }
}
