package dev.websocketchat.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.Heap;
import dev.websocketchat.support.HostileClientContract;
import java.net.URI;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
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
    private static final boolean WILDFLY = "wildfly".equals(System.getProperty("arquillian.launch"));
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

    /**
     * WildFly's Undertow answers every ping and gives up on no write, and the WAR sees no control
     * frames (the standard API shows none): the flooder's pings make it neither heard from nor a
     * slow consumer, so it ends as idle, {@code CHAT_IDLE_SECONDS} after its last message. Tomcat
     * gives up its blocking write of pongs, which the endpoint hears of as a timed-out write (a
     * slow consumer), unless the room's own ping to it fails first (a failed send): which write
     * hits the blocked socket first is a race, seen once in a CI simulation.
     */
    @Override
    protected Set<String> pingFloodLeaveCauses() {
        return WILDFLY ? Set.of("idle") : Set.of("slow_consumer", "send_failed");
    }

    /**
     * WildFly's Undertow closes text that is not UTF-8 with 1007 but reports that close to the
     * endpoint as 1006, the code of a connection that ended without a close frame: counted as a reset.
     */
    @Override
    protected Map<String, Map<String, Integer>> forbiddenFrameCauses() {
        if (!WILDFLY) {
            return super.forbiddenFrameCauses();
        }
        Map<String, Map<String, Integer>> causes = new HashMap<>(super.forbiddenFrameCauses());
        causes.put("invalid UTF-8", Map.of("reset", 1));
        return causes;
    }

    /** Payara's Tyrus delivers an unmasked client frame as a message, and no filter of the WAR sees frames. */
    @Override
    protected String acceptsUnmaskedFrames() {
        return PAYARA ? "Payara's Tyrus accepts unmasked client frames" : null;
    }

    @Override
    protected URI applicationUri() {
        return ChatWar.root(application);
    }
}
