package dev.websocketchat.transport.payara;

import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.Session;

/**
 * What this server knows about Tyrus's WebSocket sessions inside a servlet container (Payara,
 * GlassFish), all in this folder: its own frame transport ({@link PayaraTransport}). Only the
 * transport needs Tyrus's classes, and only {@link #transport} loads it.
 */
public final class Payara {

    public static final String SESSION_CLASS = "org.glassfish.tyrus.core.TyrusSession";

    private Payara() {
    }

    /** Tyrus's own way to write frames for the session, or null where this Tyrus does not allow it. */
    public static FrameTransport transport(Session session) {
        return PayaraTransport.of(session);
    }
}
