package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.support.Scrape;
import dev.websocketchat.support.ShutdownScenario;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Stopping the standalone server, as SIGTERM does through {@code main}'s shutdown hook. */
class ShutdownTest {

    @Test
    void aStopSendsEveryQueuedChatToASlowReaderBeforeThe1001() throws Exception {
        Properties settings = new Properties();
        settings.putAll(Map.of("chat.port", "0", "chat.host", "127.0.0.1", "chat.rate.limit", "0", "chat.address.bytes", "0",
                "chat.send.queue.bytes", String.valueOf(16 * 1024 * 1024)));
        ChatServer server = ChatServer.start(ChatConfig.from(Map.of(), settings));
        try {
            URI application = URI.create("http://127.0.0.1:" + server.port() + "/");
            Scrape before = Scrape.of(application);
            ShutdownScenario.queuedChatsReachASlowReaderBeforeThe1001(application, server::close, Duration.ofMillis(500));
            assertThat(Scrape.parse(server.rooms().metrics().scrape()).leavesSince(before))
                    .as("the reader and the sender, as the server stopped").isEqualTo(Map.of("shutdown", 2));
        } finally {
            server.close();
        }
    }
}
