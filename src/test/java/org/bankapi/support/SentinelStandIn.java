package org.bankapi.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A local Azure Monitor Logs ingestion endpoint: takes JSON-array batches with the right bearer, or fails on demand. */
public final class SentinelStandIn implements AutoCloseable {

    public static final String TOKEN = "sentinel-test-token";
    public static final String PATH =
            "/dataCollectionRules/dcr-00000000000000000000000000000000/streams/Custom-BankAudit_CL";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    public final List<JsonNode> events = new CopyOnWriteArrayList<>();
    public final AtomicInteger batches = new AtomicInteger();
    public final AtomicInteger refused = new AtomicInteger();
    private volatile int failWith;

    public SentinelStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        || !exchange.getRequestURI().getPath().equals(PATH)
                        || !"POST".equals(exchange.getRequestMethod())) {
                    refused.incrementAndGet();
                    status = 401;
                } else if (failWith != 0) {
                    status = failWith;
                } else {
                    JsonNode batch = JSON.readTree(body);
                    if (!batch.isArray()) {
                        status = 400;
                    } else {
                        batch.forEach(events::add);
                        batches.incrementAndGet();
                        status = 204;
                    }
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH + "?api-version=2023-01-01";
    }

    public void failWith(int status) {
        this.failWith = status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
