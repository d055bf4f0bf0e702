package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free port and the standalone instances of one test joined
 * through it, on loopback and ephemeral ports, without a rate limit: a JUnit extension
 * ({@code @RegisterExtension}) that starts Redis before each test (or skips it where none is
 * installed, outside CI) and closes everything after it, once the test's own {@code @AfterEach}
 * has closed its clients.
 */
final class TestCluster implements BeforeEachCallback, AfterEachCallback {

    /** How long an instance may take to rejoin after an outage. */
    static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ChatServer> servers = new ArrayList<>();
    private RedisServer redis;

    @Override
    public void beforeEach(ExtensionContext test) throws Exception {
        redis = RedisServer.start();
    }

    /** This test's Redis. */
    RedisServer redis() {
        return redis;
    }

    /** A new instance in this JVM, with settings on top of the cluster's ({@code chat.*} property names). */
    ChatServer instance(Map<String, String> settings) throws Exception {
        Properties properties = new Properties();
        properties.put("chat.port", "0");
        properties.put("chat.host", "127.0.0.1");
        properties.put("chat.rate.limit", "0");
        properties.put("chat.address.bytes", "0");
        properties.put("chat.address.handshakes", "0");
        properties.put("chat.address.rooms", "0");
        properties.put("chat.redis.url", redis.url());
        properties.putAll(settings);
        ChatServer server = ChatServer.start(ChatConfig.from(Map.of(), properties));
        servers.add(server);
        return server;
    }

    ChatServer instance() throws Exception {
        return instance(Map.of());
    }

    /** The body of {@code GET /path} on the instance. */
    static String get(ChatServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/" + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls {@code /health} until its answer contains the fragment, for at most {@link #RECOVERY}. */
    static void awaitHealth(ChatServer server, String fragment) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        String last = get(server, "health");
        while (!last.contains(fragment) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = get(server, "health");
        }
        assertThat(last).as("health within " + RECOVERY).contains(fragment);
    }

    @Override
    public void afterEach(ExtensionContext test) throws Exception {
        servers.forEach(ChatServer::close);
        servers.clear();
        if (redis != null) {
            redis.close();
        }
    }
}
