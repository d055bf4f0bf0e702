package dev.websocketchat.standalone;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.support.ShutdownScenario;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Stopping the standalone server, as SIGTERM does through {@code main}'s shutdown hook. */
class ShutdownTest {

    @Test
    void aStopSendsEveryQueuedChatToASlowReaderBeforeThe1001() throws Exception {
        Properties settings = new Properties();
        settings.putAll(Map.of("chat.port", "0", "chat.host", "127.0.0.1", "chat.rate.limit", "0",
                "chat.send.queue.bytes", String.valueOf(16 * 1024 * 1024)));
        ChatServer server = ChatServer.start(ChatConfig.from(Map.of(), settings));
        try {
            ShutdownScenario.queuedChatsReachASlowReaderBeforeThe1001(
                    URI.create("http://127.0.0.1:" + server.port() + "/"), server::close);
        } finally {
            server.close();
        }
    }
}
