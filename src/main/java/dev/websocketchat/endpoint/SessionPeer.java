package dev.websocketchat.endpoint;

import dev.websocketchat.room.Batch;
import dev.websocketchat.room.Peer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a standard WebSocket session. Sends use the asynchronous remote; since the
 * room's outbox keeps at most one send outstanding, this object doubles as the one
 * {@link SendHandler}, with no allocation per send.
 *
 * <p>Where the container offered a {@link FrameTransport}, this peer also
 * {@linkplain #writesFrames writes frames} through it, provided no extension was negotiated (an
 * extension such as permessage-deflate would have to transform every frame, which only the
 * container can do).
 */
final class SessionPeer implements Peer, SendHandler {

    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0);
    /**
     * Tomcat's own session properties, which other containers ignore: how long its blocking writes
     * (pings, pongs, the close frame) may wait for a peer that does not read (default 20 s), how
     * long a close frame that could not be sent normally may take (default 20 s), and how long it
     * waits for the peer's answer to its close before it drops the connection (default 30 s; its
     * background check runs every 10 s, so the connection ends within 15 s of the close). Set
     * only on Tomcat's sessions: elsewhere they would sit in every session's properties for nothing.
     */
    private static final List<String> TOMCAT_TIMEOUTS = List.of("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT",
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT", "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT");
    private static final Long TOMCAT_TIMEOUT_MILLIS = 5_000L; // boxed once: Tomcat reads a Long

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final FrameTransport transport;
    private volatile Consumer<Throwable> pending;

    /** @param transport the container's way to write frames, or null to send through the API only */
    SessionPeer(Session session, FrameTransport transport) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.transport = transport != null && session.getNegotiatedExtensions().isEmpty() ? transport : null;
        if (session.getClass().getName().equals(TomcatTransport.SESSION_CLASS)) {
            TOMCAT_TIMEOUTS.forEach(timeout -> session.getUserProperties().put(timeout, TOMCAT_TIMEOUT_MILLIS));
        }
    }

    @Override
    public void send(String text, Consumer<Throwable> done) {
        pending = done;
        remote.sendText(text, this);
    }

    @Override
    public boolean writesFrames() {
        return transport != null;
    }

    @Override
    public void write(Batch frames, Consumer<Throwable> done) {
        transport.write(frames, done);
    }

    @Override
    public Executor writer() {
        return transport != null ? transport.writer() : null;
    }

    @Override
    public void onResult(SendResult result) {
        pending.accept(result.isOK() ? null : result.getException());
    }

    /** The standard API has no asynchronous ping; the outbox only pings with nothing else in flight. */
    @Override
    public void ping(Consumer<Throwable> done) {
        try {
            remote.sendPing(NO_PAYLOAD.duplicate());
        } catch (IOException | RuntimeException e) {
            done.accept(e);
            return;
        }
        done.accept(null);
    }

    /**
     * Standalone, the transport's guard aborts a close left unanswered itself. Undertow (WildFly)
     * waits for its close frame to be written, behind data a peer that stopped reading never
     * takes, for as long as the socket lives (about 95 s here), though it has told the endpoint
     * the session is closed: so its own channel says whether the socket is still open, and its
     * session's public {@code forceClose()} closes it. Tomcat needs nothing here: its own close
     * timeout is set in the constructor. Elsewhere the container decides.
     */
    @Override
    public void abort() {
        Undertow undertow = UNDERTOW.get(session.getClass());
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

    /** Undertow's {@code UndertowSession.getWebSocketChannel()} and {@code forceClose()}. */
    private record Undertow(Method channel, Method forceClose) {
    }

    /** Looked up once per session class; null for any session that is not Undertow's. */
    private static final ClassValue<Undertow> UNDERTOW = new ClassValue<>() {
        @Override
        protected Undertow computeValue(Class<?> type) {
            if (!type.getName().startsWith("io.undertow.")) {
                return null;
            }
            try {
                return new Undertow(type.getMethod("getWebSocketChannel"), type.getMethod("forceClose"));
            } catch (NoSuchMethodException notThisUndertow) {
                return null;
            }
        }
    };

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        if (transport != null) {
            transport.writeClose(code, reason);
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "closing session " + session.getId() + " with " + code + " failed");
        }
    }
}
