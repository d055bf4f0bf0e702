package dev.websocketchat.standalone;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.support.ChatProtocolContract;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protocol contract against the standalone server (Grizzly + Tyrus) on a free loopback port. */
class StandaloneChatTest extends ChatProtocolContract {

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        Properties settings = new Properties();
        settings.putAll(TEST_SETTINGS);
        settings.put("chat.port", "0");
        settings.put("chat.host", "127.0.0.1");
        server = ChatServer.start(ChatConfig.from(Map.of(), settings));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI applicationUri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }
}
