package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rooms;

/** Where the WAR and the standalone server get their rooms, so both cluster the same way. */
public final class Cluster {

    private Cluster() {
    }

    /**
     * The rooms for this configuration: on their own, or, when {@code CHAT_REDIS_URL} is set, the
     * lobby alone fanned out through Redis (rooms and the list of who is here are not clustered yet).
     */
    public static Rooms openRooms(ChatConfig config, Meters meters) {
        return config.clustered() ? Rooms.lobbyOnly(config, meters, new RedisFanout(config.redisUrl(), config.history()))
                : Rooms.local(config, meters);
    }
}
