package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.ChatProtocolContract;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The protocol contract against the standalone server (Grizzly + Tyrus) on a free loopback port.
 * Whatever a test's clients do, Grizzly and Tyrus log no warning: one means a read went where it
 * should not (a frame taken for an HTTP request, say) and the connection ended by accident.
 */
class StandaloneChatTest extends ChatProtocolContract {

    private static final List<Logger> CONTAINER = List.of(Logger.getLogger("org.glassfish.grizzly"), Logger.getLogger("org.glassfish.tyrus"));
    private static ChatServer server;
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler watch = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        server = ContractServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void watchTheContainer() {
        CONTAINER.forEach(logger -> logger.addHandler(watch));
    }

    @AfterEach
    void theContainerWarnedOfNothing() {
        CONTAINER.forEach(logger -> logger.removeHandler(watch));
        assertThat(warnings).extracting(record -> record.getLoggerName() + ": " + record.getMessage()).isEmpty();
    }

    @Override
    protected URI applicationUri() {
        return ContractServer.root(server);
    }
}
