package org.bankapi.web;

import jakarta.servlet.ServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * A typed request attribute: the one way one layer of the request pipeline hands a value to a later
 * (or, read after the chain returns, an earlier) one, so that writer and reader share the key and its
 * type rather than a string. The keys themselves are listed in {@code org.bankapi.RequestPipeline}.
 */
public final class RequestKey<T> {

    private final String name;
    private final Class<T> type;

    private RequestKey(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    /** A key named after its owner, e.g. {@code org.bankapi.audit.AuditLog.recorded}. */
    public static <T> RequestKey<T> of(Class<?> owner, String name, Class<T> type) {
        return new RequestKey<>(owner.getName() + "." + name, type);
    }

    public String name() {
        return name;
    }

    /** The value on this request, or null. */
    public T get(ServletRequest request) {
        return type.cast(request.getAttribute(name));
    }

    public void set(ServletRequest request, T value) {
        request.setAttribute(name, value);
    }

    /**
     * Sets the value on the request this thread serves (Spring's request context, from its
     * RequestContextFilter inward), for code below the controllers; does nothing outside a request.
     */
    public void setOnCurrentRequest(T value) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(name, value, RequestAttributes.SCOPE_REQUEST);
        }
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + ")";
    }
}
