package dev.websocketchat.endpoint;

import dev.websocketchat.identity.Gate;
import dev.websocketchat.room.Rooms;
import jakarta.websocket.WebSocketContainer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each endpoint the {@link Rooms} of the application it belongs to. The container
 * creates endpoints itself, so whoever starts the application (the WAR's
 * {@code ChatApplication}, or the standalone {@code ChatServer}) binds its rooms to its
 * WebSocket container here, and endpoints find them through {@code session.getContainer()}.
 * Keying by container lets several servers run in one JVM, as the tests do.
 */
public final class ChatRooms {

    private static final Map<WebSocketContainer, Rooms> ROOMS = new ConcurrentHashMap<>();
    /** Each server's {@link Gate}, made from its rooms' configuration as they are bound: one JWKS cache per server. */
    private static final Map<WebSocketContainer, Gate> GATES = new ConcurrentHashMap<>();

    private ChatRooms() {
    }

    public static void bind(WebSocketContainer container, Rooms rooms) {
        Gate gate = Gate.of(rooms.config());
        if (ROOMS.putIfAbsent(container, rooms) != null) {
            throw new IllegalStateException("chat rooms are already bound to " + container);
        }
        GATES.put(container, gate);
        rooms.metrics().watchAwaitingProof(gate::awaitingProof);
    }

    public static void unbind(WebSocketContainer container) {
        ROOMS.remove(container);
        GATES.remove(container);
    }

    /** Who may connect as whom to the server of that container. */
    public static Gate gate(WebSocketContainer container) {
        Gate gate = GATES.get(container);
        if (gate == null) {
            throw new IllegalStateException("no chat rooms are bound to " + container);
        }
        return gate;
    }

    public static Rooms of(WebSocketContainer container) {
        Rooms rooms = ROOMS.get(container);
        if (rooms == null) {
            throw new IllegalStateException("no chat rooms are bound to " + container);
        }
        return rooms;
    }
}
