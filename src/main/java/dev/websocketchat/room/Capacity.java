package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's limits on connections, over all its rooms together: {@code CHAT_MAX_CONNECTIONS},
 * and {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} from one client address. Holds only addresses with
 * a connection, so its size is bounded by the connections'. Thread-safe; a room calls it with its
 * own lock held, and it calls nothing, so it never waits for a room.
 */
final class Capacity {

    private final int maxConnections;
    private final int maxPerAddress;
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int taken;

    Capacity(ChatConfig config) {
        this.maxConnections = config.maxConnections();
        this.maxPerAddress = config.maxConnectionsPerAddress();
    }

    /** Takes a place for a connection from the address; or says why there is none. */
    synchronized TurnedAway take(String address) {
        if (taken >= maxConnections) {
            return TurnedAway.SERVER_FULL;
        }
        if (maxPerAddress > 0 && from(address) >= maxPerAddress) {
            return TurnedAway.ADDRESS_FULL;
        }
        taken++;
        perAddress.merge(address, 1, Integer::sum);
        return null;
    }

    /** Gives back the place of a connection that {@link #take} admitted. */
    synchronized void release(String address) {
        taken--;
        perAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }

    /** Connections admitted now from the address. */
    synchronized int from(String address) {
        return perAddress.getOrDefault(address, 0);
    }

    /** Connections admitted now, in every room. */
    synchronized int taken() {
        return taken;
    }
}
