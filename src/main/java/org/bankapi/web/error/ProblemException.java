package org.bankapi.web.error;

import java.util.Map;

/**
 * A refusal that reaches the client as an RFC 9457 problem with a stable {@code code}. Plain Java,
 * so domain rules can refuse without knowing about HTTP frameworks.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> fieldErrors;

    public ProblemException(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    public ProblemException(int status, String code, String detail, Map<String, String> fieldErrors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    public static ProblemException validation(Map<String, String> fieldErrors) {
        return new ProblemException(400, "validation_failed", "The request is not valid: see errors.", fieldErrors);
    }

    public static ProblemException validation(String field, String message) {
        return validation(Map.of(field, message));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not_found", what + " does not exist");
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", detail);
    }

    public static ProblemException rule(String code, String detail) {
        return new ProblemException(422, code, detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, detail);
    }
}
