package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.Scrape;
import dev.websocketchat.support.ShutdownScenario;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping the standalone server, as SIGTERM does through {@code main}'s shutdown hook. */
class ShutdownTest {

    @Test
    void aStopSendsEveryQueuedChatToASlowReaderBeforeThe1001() throws Exception {
        ChatServer server = LocalServer.start(Map.of("chat.rate.limit", "0", "chat.address.bytes", "0",
                "chat.send.queue.bytes", String.valueOf(16 * 1024 * 1024)));
        try {
            URI application = LocalServer.root(server);
            Scrape before = Scrape.of(application);
            ShutdownScenario.queuedChatsReachASlowReaderBeforeThe1001(application, server::close, Duration.ofMillis(500));
            assertThat(Scrape.parse(server.rooms().metrics().scrape()).leavesSince(before))
                    .as("the reader and the sender, as the server stopped").isEqualTo(Map.of("shutdown", 2));
        } finally {
            server.close();
        }
    }
}
