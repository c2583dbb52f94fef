package org.bankapi.web.error;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bankapi.observability.AnsweredProblem;
import org.bankapi.observability.LogFields;
import org.bankapi.web.RequestIdFilter;
import org.bankapi.web.TransientFailures;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds every error body of the service: RFC 9457 problem+json with a stable {@code code}, the
 * request id, and for validation failures the list of fields at fault. No exception text or SQL.
 */
public final class ProblemResponses {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";
    public static final String NOT_APPLIED_RETRY = "the request was not applied; retry it";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    /** Every problem body is built here, so this is the one place its code is noted for metrics, logs and audit. */
    public static ProblemDetail problem(int status, String code, String detail, Map<String, String> fieldErrors) {
        AnsweredProblem.note(code);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setType(URI.create("/problems/" + code));
        problem.setTitle(title(code));
        problem.setProperty("code", code);
        String requestId = LogFields.requestId();
        if (requestId != null) {
            problem.setProperty("request_id", requestId);
        }
        if (fieldErrors != null && !fieldErrors.isEmpty()) {
            List<Map<String, String>> errors = new ArrayList<>();
            new TreeMap<>(fieldErrors)
                    .forEach((field, message) -> errors.add(Map.of("field", field, "message", message)));
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    /** Writes a problem straight to the servlet response, for filters that answer before any controller. */
    public static void write(HttpServletResponse response, int status, String code, String detail) throws IOException {
        ProblemDetail problem = problem(status, code, detail, Map.of());
        response.setStatus(status);
        response.setContentType(PROBLEM_JSON.toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", status);
        body.put("detail", detail);
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    /**
     * Writes the 503 {@code temporarily_unavailable} of a transient database failure (see
     * {@link TransientFailures}) with Retry-After, for filters; does nothing once the response is committed.
     */
    public static void writeTemporarilyUnavailable(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        String requestId = LogFields.requestId();
        if (requestId != null) {
            response.setHeader(RequestIdFilter.HEADER, requestId);
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(TransientFailures.RETRY_AFTER_SECONDS));
        write(response, 503, TEMPORARILY_UNAVAILABLE, NOT_APPLIED_RETRY);
    }

    static String title(String code) {
        String words = code.replace('_', ' ');
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }
}
