package dev.websocketchat.endpoint;

import dev.websocketchat.room.Batch;
import dev.websocketchat.room.Peer;
import dev.websocketchat.transport.Containers;
import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final FrameTransport transport;
    private volatile Consumer<Throwable> pending;

    /** @param transport the container's way to write frames, or null to send through the API only */
    SessionPeer(Session session, FrameTransport transport) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.transport = transport != null && session.getNegotiatedExtensions().isEmpty() ? transport : null;
        Containers.prepare(session);
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
     * Standalone, the transport's guard aborts a close left unanswered itself; in a WAR, the
     * container's own close timeout does, or {@link Containers#abort} where it would wait too long.
     */
    @Override
    public void abort() {
        Containers.abort(session);
    }

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
