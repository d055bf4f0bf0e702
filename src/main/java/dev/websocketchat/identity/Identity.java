package dev.websocketchat.identity;

import java.time.Instant;
import java.util.Set;

/**
 * Who a connection proved it is: the user's id ({@code sub}), the name everyone sees, the private
 * rooms it may enter, whether it moderates every room, and when the proof ends ({@code exp};
 * null for the container's own login, which lasts as long as the connection).
 */
public record Identity(String user, String name, Set<String> rooms, boolean moderator, Instant expires) {

    public Identity {
        rooms = Set.copyOf(rooms);
    }
}
