package dev.websocketchat.endpoint;

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

    private ChatRooms() {
    }

    public static void bind(WebSocketContainer container, Rooms rooms) {
        if (ROOMS.putIfAbsent(container, rooms) != null) {
            throw new IllegalStateException("chat rooms are already bound to " + container);
        }
    }

    public static void unbind(WebSocketContainer container) {
        ROOMS.remove(container);
    }

    public static Rooms of(WebSocketContainer container) {
        Rooms rooms = ROOMS.get(container);
        if (rooms == null) {
            throw new IllegalStateException("no chat rooms are bound to " + container);
        }
        return rooms;
    }
}
