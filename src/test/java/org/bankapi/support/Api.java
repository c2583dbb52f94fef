package org.bankapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.bankapi.security.TokenIssuer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the tests: real requests over a socket, bodies as Jackson trees. */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final TokenIssuer issuer;

    public Api(String base, byte[] secret) {
        this.base = base;
        this.issuer = new TokenIssuer(secret, null);
    }

    public String token(String subject, String role) {
        return issuer.issue(subject, role, Duration.ofHours(1), Instant.now());
    }

    public String adminToken() {
        return token("admin-" + UUID.randomUUID(), "admin");
    }

    public Call as(String token) {
        return new Call(token, new LinkedHashMap<>());
    }

    public Call anonymous() {
        return new Call(null, new LinkedHashMap<>());
    }

    public String base() {
        return base;
    }

    /** A request builder bound to one bearer token. */
    public final class Call {
        private final String token;
        private final Map<String, String> headers;

        Call(String token, Map<String, String> headers) {
            this.token = token;
            this.headers = headers;
        }

        public Call header(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Call(token, copy);
        }

        public Response get(String path) {
            return send("GET", path, null);
        }

        public Response post(String path, Object body) {
            return send("POST", path, body);
        }

        public Response delete(String path) {
            return send("DELETE", path, null);
        }

        public Response send(String method, String path, Object body) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            headers.forEach(request::header);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                String text = body instanceof String s ? s : JSON.writeValueAsString(body);
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(text));
            }
            try {
                return new Response(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A response with its body parsed when it is JSON. */
    public record Response(HttpResponse<String> raw) {
        public int status() {
            return raw.statusCode();
        }

        public String text() {
            return raw.body();
        }

        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String code() {
            return json().path("code").asString();
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + raw.body();
        }
    }
}
