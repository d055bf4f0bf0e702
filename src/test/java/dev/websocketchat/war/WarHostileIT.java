package dev.websocketchat.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.Heap;
import dev.websocketchat.support.HostileClientContract;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The attacks against the built WAR, in the container of the active Maven profile (see {@link WarChatIT}). */
@ExtendWith(ArquillianExtension.class)
class WarHostileIT extends HostileClientContract {

    private static final boolean PAYARA = "payara".equals(System.getProperty("arquillian.launch"));
    /** Embedded Tomcat (with {@code -Dit.test=WarHostileIT}: the default run leaves this suite out) shares this JVM, so its heap can be checked after a GC; the other containers' cannot. */
    private static final boolean EMBEDDED = System.getProperty("arquillian.launch") == null;
    private static long heapBaseline = -1;

    @ArquillianResource
    private URL application;

    @Deployment(testable = false)
    static WebArchive war() {
        return ChatWar.asBuilt();
    }

    @BeforeEach
    void measureTheHeapOnce() {
        if (EMBEDDED && heapBaseline < 0) {
            heapBaseline = Heap.afterGc();
        }
    }

    @Override
    protected void afterAttack() {
        if (EMBEDDED) {
            assertThat(Heap.afterGc() - heapBaseline).as("heap left behind in embedded Tomcat, bytes").isLessThan(Heap.SLACK_BYTES);
        }
    }

    /** The WAR's HandshakeFilter answers before the container upgrades: 403, 503. */
    @Override
    protected boolean refusesHandshakesWithHttpStatus() {
        return true;
    }

    /**
     * Payara runs Tyrus over the servlet API: its {@code TyrusServletWriter} queues every pong it
     * cannot write yet without a limit, and a close frame behind them, and neither the WebSocket
     * API nor Tyrus's public API lets an application see pings, bound that queue or abort the
     * connection. Measured: 157,876 pings (20 MB of pongs) queued in 30 s, the connection still
     * open 30 s after its eviction (and minutes later). The standalone server fixes it in its own
     * Grizzly filter, which a WAR cannot install.
     */
    @Override
    protected String cannotStopAPingFlood() {
        return PAYARA ? "Payara (Tyrus over servlets) queues pongs without a limit and offers no abort; see WarHostileIT" : null;
    }

    /** Payara's Tyrus delivers an unmasked client frame as a message, and no filter of the WAR sees frames. */
    @Override
    protected String acceptsUnmaskedFrames() {
        return PAYARA ? "Payara's Tyrus accepts unmasked client frames" : null;
    }

    /**
     * The container reads frames, and closes on a frame it refuses before the endpoint hears of it:
     * the endpoint sees that as any close. The 2 MiB frame is the WAR's own verdict.
     */
    @Override
    protected Map<String, Map<String, Integer>> forbiddenFrameCauses() {
        return Map.of(
                "an unmasked text frame", Map.of("closed", 1),
                "a reserved opcode", Map.of("closed", 1),
                "invalid UTF-8", Map.of("closed", 1),
                "a 2 MiB frame", Map.of("too_big", 1));
    }

    @Override
    protected URI applicationUri() {
        return ChatWar.root(application);
    }
}
