package dev.websocketchat.endpoint;

import dev.websocketchat.admission.HandshakeCapture;
import dev.websocketchat.room.Rooms;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A chat connection to the lobby: {@code /chat} relative to the application root, as the tutorial
 * has it. {@link RoomEndpoint} serves the named rooms; both hand every callback to a
 * {@link Connection}, so they behave the same.
 */
@ServerEndpoint(value = "/chat", configurator = HandshakeCapture.class)
public class ChatEndpoint {

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

    /**
     * The session defaults a container applies before {@code @OnOpen} can set a session's own:
     * the two buffers above, and no idle timeout, since the room's liveness check finds idle
     * connections. Without that default Tyrus (the standalone server, Payara) schedules an idle
     * timer task for every new session and keeps it, cancelled, for the session's life.
     */
    public static void setSessionDefaults(WebSocketContainer container) {
        container.setDefaultMaxTextMessageBufferSize(TEXT_PART_CHARS);
        container.setDefaultMaxBinaryMessageBufferSize(BINARY_DEFAULT_BYTES);
        container.setDefaultMaxSessionIdleTimeout(-1);
    }

    private final Connection connection = new Connection();

    @OnOpen
    public void open(Session session, EndpointConfig config) throws IOException {
        connection.open(session, config, Rooms.LOBBY);
    }

    @OnMessage
    public void text(String part, boolean last) {
        connection.text(part, last);
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        connection.binary();
    }

    @OnMessage
    public void pong(PongMessage pong) {
        connection.pong();
    }

    @OnClose
    public void close(CloseReason reason) {
        connection.close(reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connection.error(session, failure);
    }
}
