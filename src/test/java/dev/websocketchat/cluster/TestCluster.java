package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real {@code redis-server} on a free port and the standalone instances of one test joined
 * through it, on loopback and ephemeral ports, without a rate limit; all closed after the test.
 */
final class TestCluster implements AutoCloseable {

    final RedisServer redis;
    private final List<ChatServer> servers = new ArrayList<>();

    private TestCluster(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis, or skips the test where none is installed (outside CI). */
    static TestCluster start() throws Exception {
        return new TestCluster(RedisServer.start());
    }

    /** A new instance in this JVM, with settings on top of the cluster's ({@code chat.*} property names). */
    ChatServer instance(Map<String, String> settings) throws Exception {
        Properties properties = new Properties();
        properties.put("chat.port", "0");
        properties.put("chat.host", "127.0.0.1");
        properties.put("chat.rate.limit", "0");
        properties.put("chat.redis.url", redis.url());
        properties.putAll(settings);
        ChatServer server = ChatServer.start(ChatConfig.from(Map.of(), properties));
        servers.add(server);
        return server;
    }

    ChatServer instance() throws Exception {
        return instance(Map.of());
    }

    @Override
    public void close() throws Exception {
        servers.forEach(ChatServer::close);
        redis.close();
    }
}
