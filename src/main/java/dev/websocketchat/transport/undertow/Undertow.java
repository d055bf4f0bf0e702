package dev.websocketchat.transport.undertow;

import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What this server knows about Undertow's (WildFly's) WebSocket sessions, all in this folder: its
 * own frame transport ({@link UndertowTransport}, which writes on the connection's I/O thread
 * through {@link HandOver}), how it reports a client's broken frame, and how a close it left
 * hanging is ended. Undertow's classes are reached by name and reflection only, so that this
 * loads in every container.
 */
public final class Undertow {

    public static final String SESSION_CLASS = "io.undertow.websockets.jsr.UndertowSession";
    private static final Logger LOG = Logger.getLogger(Undertow.class.getName());
    /** Undertow's: a frame that is not masked, a reserved opcode or bit, text that is not UTF-8. */
    private static final String CORRUPTED_FRAME = "io.undertow.websockets.core.WebSocketFrameCorruptedException";

    private Undertow() {
    }

    /** Undertow's own way to write frames for the session, or null where this Undertow does not allow it. */
    public static FrameTransport transport(Session session) {
        return UndertowTransport.of(session);
    }

    /**
     * Whether a failure reported to {@code @OnError} is Undertow refusing a client's frame (as an
     * I/O failure, before it closes with 1002 or 1007): the client broke the protocol, the
     * connection did not break.
     */
    public static boolean isCorruptedFrame(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getClass().getName().equals(CORRUPTED_FRAME)) {
                return true;
            }
        }
        return false;
    }

    /** What a failure reported to {@code @OnError} says happened to the connection. */
    public static LeaveCause causeOf(Throwable failure) {
        return isCorruptedFrame(failure) ? LeaveCause.PROTOCOL_ERROR : LeaveCause.of(failure);
    }

    /**
     * Ends a connection whose close was not answered. Undertow waits for its close frame to be
     * written, behind data a peer that stopped reading never takes, for as long as the socket
     * lives (about 95 s here), though it has told the endpoint the session is closed: so its own
     * channel says whether the socket is still open, and its session's public
     * {@code forceClose()} closes it. Does nothing for a session that is not Undertow's.
     */
    public static void abort(Session session) {
        Methods undertow = METHODS.get(session.getClass());
        if (undertow == null) {
            return;
        }
        try {
            if (undertow.channel().invoke(session) instanceof java.nio.channels.Channel channel && channel.isOpen()) {
                LOG.fine(() -> "aborting session " + session.getId() + ": its close was not answered");
                undertow.forceClose().invoke(session);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "aborting session " + session.getId() + " failed");
        }
    }

    /**
     * Whether the peer's close frame has arrived. Undertow answers it at once and calls
     * {@code @OnClose} with the peer's code on its worker; a reset right after the close frame can
     * reach {@code @OnError} first, from the I/O thread, and the close still follows with the
     * peer's code. False for a session that is not Undertow's.
     */
    public static boolean closeFrameReceived(Session session) {
        Methods undertow = METHODS.get(session.getClass());
        if (undertow == null) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(undertow.closeFrameReceived().invoke(undertow.channel().invoke(session)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "asking session " + session.getId() + " for its close frame failed");
            return false;
        }
    }

    /**
     * Undertow's {@code UndertowSession.getWebSocketChannel()} and {@code forceClose()}, and its
     * channel's {@code isCloseFrameReceived()}.
     */
    private record Methods(Method channel, Method forceClose, Method closeFrameReceived) {
    }

    /** Looked up once per session class; null for any session that is not Undertow's. */
    private static final ClassValue<Methods> METHODS = new ClassValue<>() {
        @Override
        protected Methods computeValue(Class<?> type) {
            if (!type.getName().startsWith("io.undertow.")) {
                return null;
            }
            try {
                Method channel = type.getMethod("getWebSocketChannel");
                return new Methods(channel, type.getMethod("forceClose"), channel.getReturnType().getMethod("isCloseFrameReceived"));
            } catch (NoSuchMethodException notThisUndertow) {
                return null;
            }
        }
    };
}
