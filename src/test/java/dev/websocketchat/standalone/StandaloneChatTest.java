package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.ChatProtocolContract;
import dev.websocketchat.support.LogCapture;
import java.net.URI;
import java.util.List;
import java.util.Set;
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
 * should not (a frame taken for an HTTP request, say) and the connection ended by accident. Two
 * warnings are not counted, both on a connection already closed: Tyrus's Grizzly filters, the
 * server's and the tests' own client's (in this JVM, under the same loggers), read frames that
 * arrive while another thread closes the connection and fail with a {@code NullPointerException}
 * in {@code handleRead} or {@code handleClose} ({@code docs/tyrus-findings.md}, 9); and Tyrus's {@code onClose} for a
 * connection that ends while the server closes its session finds the session closed and throws
 * ({@code docs/tyrus-findings.md}, 10).
 */
class StandaloneChatTest extends ChatProtocolContract {

    private static final List<Logger> CONTAINER = List.of(Logger.getLogger("org.glassfish.grizzly"), Logger.getLogger("org.glassfish.tyrus"));
    private static ChatServer server;
    private LogCapture warnings;

    /** Tyrus's filters' read, or their own close handling, that races the connection's close: see the class comment. */
    private static final Set<String> RACING_READS = Set.of("org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter",
            "org.glassfish.tyrus.container.grizzly.client.GrizzlyClientFilter");

    /**
     * Tyrus's own close of a connection whose session the server has closed already: its
     * {@code onClose} finds the session closed and throws ({@code docs/tyrus-findings.md}, 10).
     */
    private static boolean aCloseRacingAClose(LogRecord record) {
        if (!(record.getThrown() instanceof IllegalStateException closed)) {
            return false;
        }
        return java.util.Arrays.stream(closed.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals("org.glassfish.tyrus.core.TyrusEndpointWrapper") && frame.getMethodName().equals("onClose"));
    }

    private static boolean aReadRacingItsClose(LogRecord record) {
        if (!(record.getThrown() instanceof NullPointerException npe) || npe.getStackTrace().length == 0) {
            return false;
        }
        StackTraceElement top = npe.getStackTrace()[0];
        return RACING_READS.contains(top.getClassName()) && (top.getMethodName().equals("handleRead") || top.getMethodName().equals("handleClose"));
    }

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
        warnings = LogCapture.of(CONTAINER, Level.WARNING, record -> !aReadRacingItsClose(record) && !aCloseRacingAClose(record));
    }

    @AfterEach
    void theContainerWarnedOfNothing() {
        warnings.close();
        assertThat(warnings.records()).extracting(record -> record.getLoggerName() + ": " + record.getMessage()).isEmpty();
    }

    @Override
    protected URI applicationUri() {
        return ContractServer.root(server);
    }
}
