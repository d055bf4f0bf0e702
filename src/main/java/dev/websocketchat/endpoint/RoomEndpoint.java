package dev.websocketchat.endpoint;

import dev.websocketchat.admission.HandshakeCapture;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A chat connection to a named room: {@code /chat/{room}}, where {@code /chat/lobby} is the
 * lobby of {@link ChatEndpoint}. A name that is not 1 to 32 of {@code a-z 0-9 - _} is closed with
 * 1008 before admission (the WAR's {@code HandshakeFilter} answers it with HTTP 404 first).
 * A separate class rather than a subclass: whether containers inherit WebSocket annotations is
 * left open by the specification.
 */
@ServerEndpoint(value = "/chat/{room}", configurator = HandshakeCapture.class)
public class RoomEndpoint {

    private final Connection connection = new Connection();

    @OnOpen
    public void open(Session session, EndpointConfig config, @PathParam("room") String room) throws IOException {
        connection.open(session, config, room);
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
