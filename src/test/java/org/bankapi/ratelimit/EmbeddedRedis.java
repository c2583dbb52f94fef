package org.bankapi.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import redis.embedded.RedisServer;

/** A real Redis 7 server for the rate-limit tests, on a free port. */
final class EmbeddedRedis implements AutoCloseable {

    final int port;
    private final RedisServer server;

    EmbeddedRedis() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = new RedisServer(port);
        server.start();
    }

    URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    void stop() {
        server.stop();
    }

    @Override
    public void close() {
        if (server.isActive()) {
            server.stop();
        }
    }
}
