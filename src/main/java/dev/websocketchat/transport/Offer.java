package dev.websocketchat.transport;

import java.util.function.Supplier;

/**
 * How the standalone server hands a connection's {@link FrameTransport} to the endpoint that
 * opens it. Tyrus creates the connection and runs the endpoint's {@code @OnOpen} on the thread
 * that upgrades it, with no way to pass anything along; so the server's container
 * ({@code standalone.EmbeddedTyrusContainer}) offers the transport to that thread for the length
 * of that call ({@link #during}), and the endpoint's {@code Connection} takes it first thing
 * ({@link #take}). In a WAR nothing is offered, and a container's own transport is found from
 * the session instead ({@link Containers#transport}). The connection's guard, which the
 * transport is made from, reaches the container the same way, from {@code standalone.GuardFilter}.
 */
public final class Offer {

    private static final ThreadLocal<FrameTransport> OFFERED = new ThreadLocal<>();

    private Offer() {
    }

    /** Runs {@code open}, during which the endpoint opening on this thread can {@link #take} the transport. */
    public static <T> T during(FrameTransport transport, Supplier<T> open) {
        OFFERED.set(transport);
        try {
            return open.get();
        } finally {
            OFFERED.remove();
        }
    }

    /** The transport offered to the connection opening on this thread, once; null if none. */
    public static FrameTransport take() {
        FrameTransport offered = OFFERED.get();
        OFFERED.remove();
        return offered;
    }
}
