package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who is in a room by name: how many of its connections carry each name, in the order the
 * {@code history} frame lists them (by name, as Java and JavaScript compare strings: UTF-16 code
 * units). Holds only names with a connection, so its size is bounded by the room's. Not
 * thread-safe: the room calls it with its lock held.
 */
final class NameCounts {

    private final TreeMap<String, Integer> counts = new TreeMap<>();

    void add(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    void remove(String name) {
        counts.computeIfPresent(name, (key, count) -> count == 1 ? null : count - 1);
    }

    void clear() {
        counts.clear();
    }

    /** The list as a newcomer gets it. */
    List<User> list() {
        List<User> users = new ArrayList<>(counts.size());
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            users.add(new User(entry.getKey(), entry.getValue()));
        }
        return users;
    }
}
