package org.bankapi.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local HTTPS stand-in for the Key Vault REST calls the service uses: GET a key (newest or a
 * version), POST wrapkey and unwrapkey with RSA-OAEP-256 under RSA key pairs it really holds (so a
 * wrong key fails), and the bearer challenge of the real service (401 with WWW-Authenticate first).
 */
public final class KeyVaultStandIn implements AutoCloseable {

    public static final String TOKEN = "key-vault-test-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PATH =
            Pattern.compile("/keys/([A-Za-z0-9-]+)(?:/([A-Za-z0-9]*))?(?:/(wrapkey|unwrapkey))?/?");

    private final HttpsServer server;
    private final KeyStore trust;
    private final Map<String, List<Version>> keys = new ConcurrentHashMap<>();
    public final AtomicInteger unwrapCalls = new AtomicInteger();
    public final AtomicInteger wrapCalls = new AtomicInteger();
    private volatile boolean down;

    private record Version(String version, KeyPair pair) {}

    public KeyVaultStandIn(Path workDir) throws Exception {
        Files.createDirectories(workDir);
        Path store = workDir.resolve("kv-" + UUID.randomUUID() + ".p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "kv",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kv", keyStore.getCertificate("kv"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    public TrustManagerFactory trustManagers() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    /** Adds a new version of the key (the newest becomes the one GET without a version returns). */
    public String rotate(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String version = UUID.randomUUID().toString().replace("-", "");
        keys.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
                .add(new Version(version, generator.generateKeyPair()));
        return url() + "/keys/" + name + "/" + version;
    }

    public void down(boolean down) {
        this.down = down;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down) {
                send(
                        exchange,
                        503,
                        Map.of("error", Map.of("code", "ServiceUnavailable", "message", "down for the test")));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + TOKEN)) {
                exchange.getResponseHeaders()
                        .add(
                                "WWW-Authenticate",
                                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
                send(
                        exchange,
                        401,
                        Map.of("error", Map.of("code", "Unauthorized", "message", "bearer token required")));
                return;
            }
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            if (!m.matches() || !keys.containsKey(m.group(1))) {
                send(exchange, 404, Map.of("error", Map.of("code", "KeyNotFound", "message", "no such key")));
                return;
            }
            String name = m.group(1);
            List<Version> versions = keys.get(name);
            Version version = m.group(2) == null || m.group(2).isEmpty()
                    ? versions.getLast()
                    : versions.stream()
                            .filter(v -> v.version().equals(m.group(2)))
                            .findFirst()
                            .orElse(null);
            if (version == null) {
                send(exchange, 404, Map.of("error", Map.of("code", "KeyNotFound", "message", "no such version")));
                return;
            }
            String kid = url() + "/keys/" + name + "/" + version.version();
            String operation = m.group(3);
            if (operation == null && "GET".equals(exchange.getRequestMethod())) {
                RSAPublicKey pub = (RSAPublicKey) version.pair().getPublic();
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("kid", kid);
                key.put("kty", "RSA");
                key.put("key_ops", List.of("wrapKey", "unwrapKey"));
                key.put("n", b64(unsigned(pub.getModulus())));
                key.put("e", b64(unsigned(pub.getPublicExponent())));
                send(
                        exchange,
                        200,
                        Map.of("key", key, "attributes", Map.of("enabled", true, "recoveryLevel", "Recoverable")));
                return;
            }
            JsonNode request = JSON.readTree(body);
            if (!"RSA-OAEP-256".equals(request.path("alg").asString())) {
                send(
                        exchange,
                        400,
                        Map.of("error", Map.of("code", "BadParameter", "message", "alg must be RSA-OAEP-256")));
                return;
            }
            byte[] value = Base64.getUrlDecoder().decode(request.path("value").asString());
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            OAEPParameterSpec oaep =
                    new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
            byte[] result;
            if ("wrapkey".equals(operation)) {
                wrapCalls.incrementAndGet();
                cipher.init(Cipher.ENCRYPT_MODE, version.pair().getPublic(), oaep);
                result = cipher.doFinal(value);
            } else {
                unwrapCalls.incrementAndGet();
                cipher.init(Cipher.DECRYPT_MODE, version.pair().getPrivate(), oaep);
                try {
                    result = cipher.doFinal(value);
                } catch (GeneralSecurityException e) {
                    send(exchange, 400, Map.of("error", Map.of("code", "BadParameter", "message", "unwrap failed")));
                    return;
                }
            }
            send(exchange, 200, Map.of("kid", kid, "value", b64(result)));
        } catch (Exception e) {
            try {
                send(exchange, 500, Map.of("error", Map.of("code", "InternalError", "message", String.valueOf(e))));
            } catch (IOException ignored) {
                // the client went away
            }
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
