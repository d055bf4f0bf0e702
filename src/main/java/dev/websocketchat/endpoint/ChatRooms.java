package dev.websocketchat.endpoint;

import dev.websocketchat.room.ChatRoom;
import jakarta.websocket.WebSocketContainer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each {@link ChatEndpoint} the room of the application it belongs to. The container
 * creates endpoints itself, so whoever starts the application (the WAR's
 * {@code ChatApplication}, or the standalone {@code ChatServer}) binds its room to its
 * WebSocket container here, and endpoints find it through {@code session.getContainer()}.
 * Keying by container lets several servers run in one JVM, as the tests do.
 */
public final class ChatRooms {

    private static final Map<WebSocketContainer, ChatRoom> ROOMS = new ConcurrentHashMap<>();

    private ChatRooms() {
    }

    public static void bind(WebSocketContainer container, ChatRoom room) {
        if (ROOMS.putIfAbsent(container, room) != null) {
            throw new IllegalStateException("a chat room is already bound to " + container);
        }
    }

    public static void unbind(WebSocketContainer container) {
        ROOMS.remove(container);
    }

    public static ChatRoom of(WebSocketContainer container) {
        ChatRoom room = ROOMS.get(container);
        if (room == null) {
            throw new IllegalStateException("no chat room is bound to " + container);
        }
        return room;
    }
}
