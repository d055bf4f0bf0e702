package dev.websocketchat.endpoint;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.room.Member;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat connection: {@code /chat} relative to the application root. The container creates an
 * instance per connection and calls it on one thread at a time; everything shared lives in the
 * {@link ChatRoom}, and this class only translates container callbacks into room calls.
 */
@ServerEndpoint(value = "/chat", configurator = HandshakeCapture.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    /**
     * The container's buffer for one connection's incoming text, in characters; longer messages
     * reach {@link #text} in parts. Also the WAR's container-wide default (see
     * {@code ChatApplication}), since Tomcat sizes a new session's buffers from that before
     * {@code @OnOpen} runs.
     */
    public static final int TEXT_PART_CHARS = 1024;
    /**
     * The WAR's container-wide default buffer for incoming binary data: a connection needs none
     * until binary data arrives, which is refused. The session's own limit stays the frame limit,
     * so that binary data up to it gets 1003 everywhere (Undertow applies the binary buffer even
     * to partial messages, with 1009).
     */
    public static final int BINARY_DEFAULT_BYTES = 128;

    private ChatRoom room;
    private Member member;

    @OnOpen
    public void open(Session session, EndpointConfig config) throws IOException {
        FrameTransport offered = FrameTransport.take();
        room = ChatRooms.of(session.getContainer());
        ChatConfig settings = room.config();
        FrameTransport transport = offered != null ? offered : settings.containerWrites() ? FrameTransport.of(session) : null;
        room.metrics().sessionOpened();
        session.setMaxTextMessageBufferSize(TEXT_PART_CHARS);
        session.setMaxBinaryMessageBufferSize(settings.maxFrame());
        // Never time out: the room's Liveness finds idle connections. Negative rather than the
        // default 0, which means the same, because Tyrus re-arms a timer task on every send unless
        // the timeout is negative (11 % of the server's CPU in the fan-out benchmark, per JFR).
        session.setMaxIdleTimeout(-1);
        HandshakeCapture.Handshake handshake = (HandshakeCapture.Handshake) config.getUserProperties().get(HandshakeCapture.KEY);
        RemoteAddress.Seen seen = RemoteAddress.of(session, handshake == null ? null : handshake.vouchedPeer());
        String remote = seen.display();
        if (refuses(session, handshake, remote, settings)) {
            return;
        }
        String client = ClientAddress.of(seen.ip(), handshake.forwardedFor(), settings.trustedProxies());
        member = room.connect(new SessionPeer(session, transport), remote, client);
        if (transport != null) {
            transport.watch(new MemberWatch(room, member));
        }
        room.admit(member, Resume.from(session.getRequestParameterMap()));
    }

    /** Closes a handshake for a foreign host or origin with 1008, before admission; whether it did. */
    private boolean refuses(Session session, HandshakeCapture.Handshake handshake, String remote, ChatConfig settings)
            throws IOException {
        String origin = handshake == null ? null : handshake.origin();
        String host = handshake == null ? null : handshake.host();
        Rejection refusal = handshake == null ? Rejection.ORIGIN
                : new HandshakePolicy(settings).judge(origin, host, handshake.scheme());
        if (refusal == null) {
            return false;
        }
        room.metrics().rejected(refusal);
        LOG.info(() -> HandshakePolicy.logLine(refusal, remote, origin, host));
        session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, HandshakePolicy.reason(refusal)));
        return true;
    }

    /**
     * Takes a message in parts: the container's buffer for it is {@link #TEXT_PART_CHARS}
     * characters, and the room applies the limit, the same on every container.
     */
    @OnMessage
    public void text(String part, boolean last) {
        if (member != null) {
            room.receive(member, part, last);
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        if (member != null) {
            room.receiveBinary(member);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (member != null) {
            room.heard(member);
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        if (room != null) { // null only if open failed before it found the room
            room.metrics().sessionClosed();
        }
        if (member != null) {
            room.leave(member, LeaveCause.ofClose(reason.getCloseCode().getCode()));
        }
    }

    /**
     * Every error ends the connection: the leave is announced now, not when (or if) the close
     * comes, counted as what the failure says happened ({@link ContainerFailure}): containers report
     * a reset or a peer that stopped reading here, Tomcat before its close, and WildFly a frame it refused.
     */
    @OnError
    public void error(Session session, Throwable failure) {
        if (member == null) {
            LOG.log(Level.FINE, failure, () -> "error before admission on session " + session.getId());
            return;
        }
        if (room.evict(member, ContainerFailure.causeOf(failure))) {
            LOG.info(() -> member + " failed: " + LogSafe.text(String.valueOf(failure)));
        }
        LOG.log(Level.FINE, failure, () -> "error on " + member);
    }
}
