package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.room.LocalFanout;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rooms;

/** Where the WAR and the standalone server get their rooms, so both cluster the same way. */
public final class Cluster {

    private Cluster() {
    }

    /** The rooms for this configuration: on their own, or fanned out through Redis when {@code CHAT_REDIS_URL} is set. */
    public static Rooms openRooms(ChatConfig config, Meters meters) {
        if (!config.clustered()) {
            return Rooms.local(config, meters);
        }
        return new Rooms(config, meters, room -> room.equals(Rooms.LOBBY)
                ? new RedisFanout(config.redisUrl(), config.history()) : new LocalFanout());
    }
}
