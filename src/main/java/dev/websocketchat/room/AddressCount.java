package dev.websocketchat.room;

import java.util.HashMap;
import java.util.Map;

/**
 * How many admitted connections each client address has, for {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS}.
 * Holds only addresses with a connection, so its size is bounded by the room's. Guarded by the room's lock.
 */
final class AddressCount {

    private final Map<String, Integer> counts = new HashMap<>();

    int of(String address) {
        return counts.getOrDefault(address, 0);
    }

    void add(String address) {
        counts.merge(address, 1, Integer::sum);
    }

    void remove(String address) {
        counts.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }

    void clear() {
        counts.clear();
    }
}
