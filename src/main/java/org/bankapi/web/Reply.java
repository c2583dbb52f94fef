package org.bankapi.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The answer to a state-changing request that honours Idempotency-Key: the new resource, or the
 * response stored with the key, replayed byte for byte with {@code Idempotent-Replayed: true}.
 */
public final class Reply<T> {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final T created;
    private final URI location;
    private final int status;
    private final String contentType;
    private final byte[] stored;

    private Reply(T created, URI location, int status, String contentType, byte[] stored) {
        this.created = created;
        this.location = location;
        this.status = status;
        this.contentType = contentType;
        this.stored = stored;
    }

    public static <T> Reply<T> created(T body, URI location) {
        return new Reply<>(body, location, 201, null, null);
    }

    public static <T> Reply<T> ok(T body) {
        return new Reply<>(body, null, 200, null, null);
    }

    public static <T> Reply<T> replayed(int status, String contentType, String location, byte[] body) {
        return new Reply<>(null, location == null ? null : URI.create(location), status, contentType, body.clone());
    }

    public ResponseEntity<Object> toResponse() {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (location != null) {
            response.location(location);
        }
        if (stored == null) {
            return response.body(created);
        }
        return response.header(REPLAYED_HEADER, "true")
                .contentType(contentType == null ? MediaType.APPLICATION_JSON : MediaType.parseMediaType(contentType))
                .body(stored);
    }

    /** True when {@code response} is a replay of the response stored with its Idempotency-Key. */
    public static boolean wasReplayed(HttpServletResponse response) {
        return "true".equals(response.getHeader(REPLAYED_HEADER));
    }

    /** Writes a stored response straight to the servlet response, for a filter that replays before any controller. */
    public static void writeReplay(
            int status, String contentType, String location, byte[] body, HttpServletResponse response)
            throws IOException {
        response.setStatus(status);
        response.setHeader(REPLAYED_HEADER, "true");
        if (contentType != null) {
            response.setContentType(contentType);
        }
        if (location != null) {
            response.setHeader(HttpHeaders.LOCATION, location);
        }
        response.getOutputStream().write(body);
    }
}
