package dev.websocketchat.endpoint;

import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.Session;

/**
 * A connection on its way into a room, as its handshake described it: the room, the name it asked
 * for, where it came from, the address its budgets count under, and its own transport (null for
 * the standard API's). What {@link Connection} needs to admit it, now or once it has proven who it is.
 */
record Arriving(Session session, String room, String name, String remote, String client, FrameTransport transport) {

    /** The same connection, on its way into another room: a direct conversation's, worked out once it is known who is calling. */
    Arriving in(String otherRoom) {
        return new Arriving(session, otherRoom, name, remote, client, transport);
    }
}
