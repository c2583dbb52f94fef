package org.bankapi.web.error;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.web.TransientFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.PropertyBindingException;

/** Turns every exception a controller can meet into a problem+json with a stable code; nothing internal leaks. */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        ResponseEntity<ProblemDetail> response = respond(e.status(), e.code(), e.detail(), e.fieldErrors());
        if (e.status() == 503) {
            // nothing was applied: the client may retry (with its Idempotency-Key) in a second
            return ResponseEntity.status(503)
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .contentType(ProblemResponses.PROBLEM_JSON)
                    .body(response.getBody());
        }
        return response;
    }

    @ExceptionHandler(InvalidAmountException.class)
    ResponseEntity<ProblemDetail> invalidAmount(InvalidAmountException e) {
        String field = e.getMessage().startsWith("currency") || e.getMessage().contains("unknown currency")
                ? "currency"
                : "amount";
        return respond(
                400, "validation_failed", "The request is not valid: see errors.", Map.of(field, e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        Map<String, String> errors = new LinkedHashMap<>();
        if (cause instanceof PropertyBindingException unknown) {
            errors.put(path(unknown, unknown.getPropertyName()), "is not a known field");
        } else if (cause instanceof StreamReadException) {
            errors.put("body", "is not well-formed JSON");
        } else if (cause instanceof JacksonException jackson
                && !jackson.getPath().isEmpty()) {
            errors.put(path(jackson, null), "has the wrong type or format");
        } else if (cause instanceof ProblemException problem) {
            return problem(problem);
        } else {
            errors.put("body", "is missing or not a JSON object");
        }
        return respond(400, "validation_failed", "The request body is not valid: see errors.", errors);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return invalid(e.getName(), "has the wrong type");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        return invalid(e.getParameterName(), "is required");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e) {
        return invalid(e.getHeaderName(), "is required");
    }

    /** 400 validation_failed naming the one part of the request that is wrong. */
    private static ResponseEntity<ProblemDetail> invalid(String field, String reason) {
        return respond(400, "validation_failed", "The request is not valid: see errors.", Map.of(field, reason));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return respond(404, "not_found", "there is nothing at this path", Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return respond(405, "method_not_allowed", "this path does not take " + e.getMethod(), Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return respond(415, "unsupported_media_type", "send the body as application/json", Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(406, "not_acceptable", "this API answers in application/json", Map.of());
    }

    /**
     * Everything else: a transient database failure ({@link TransientFailures}: the database away,
     * restarting, failing over, timing out, a lock wait or serialization failure) applied nothing and
     * answers 503 with Retry-After; anything truly unexpected is a 500.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        if (TransientFailures.isTransient(e)) {
            log.warn(
                    "Transient database failure on {} {}: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    TransientFailures.summary(e));
            return ResponseEntity.status(503)
                    .header(HttpHeaders.RETRY_AFTER, Integer.toString(TransientFailures.RETRY_AFTER_SECONDS))
                    .contentType(ProblemResponses.PROBLEM_JSON)
                    .body(ProblemResponses.problem(
                            503,
                            ProblemResponses.TEMPORARILY_UNAVAILABLE,
                            ProblemResponses.NOT_APPLIED_RETRY,
                            Map.of()));
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(500, "internal_error", "the request failed; it was not applied", Map.of());
    }

    private static ResponseEntity<ProblemDetail> respond(
            int status, String code, String detail, Map<String, String> errors) {
        return ResponseEntity.status(HttpStatus.valueOf(status))
                .contentType(ProblemResponses.PROBLEM_JSON)
                .body(ProblemResponses.problem(status, code, detail, errors));
    }

    private static String path(JacksonException e, String leaf) {
        String path = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        if (leaf != null && !path.endsWith(leaf)) {
            path = path.isEmpty() ? leaf : path + "." + leaf;
        }
        return path.isEmpty() ? "body" : path;
    }
}
