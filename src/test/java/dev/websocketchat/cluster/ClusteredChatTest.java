package dev.websocketchat.cluster;

import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatProtocolContract;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RedisServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole protocol contract against a standalone instance in cluster mode, where every chat and
 * count goes through Redis: queues, limits, slow consumers and closes must behave as without it.
 */
class ClusteredChatTest extends ChatProtocolContract {

    private static RedisServer redis;
    private static ChatServer server;

    @Override
    protected String idleTimeoutProvenElsewhere() {
        return "the same room, pings and transport as StandaloneChatTest, which runs it";
    }

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Map<String, String> settings = new HashMap<>(TEST_SETTINGS);
        settings.put("chat.redis.url", redis.url());
        server = LocalServer.start(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected URI applicationUri() {
        return LocalServer.root(server);
    }
}
