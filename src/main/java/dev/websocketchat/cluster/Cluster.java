package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rooms;

/** Where the WAR and the standalone server get their rooms, so both cluster the same way. */
public final class Cluster {

    private Cluster() {
    }

    /**
     * The rooms for this configuration: on their own, or, when {@code CHAT_REDIS_URL} is set, each
     * room joined through Redis to the same room on every other instance.
     */
    public static Rooms openRooms(ChatConfig config, Meters meters) {
        if (!config.clustered()) {
            return Rooms.local(config, meters);
        }
        RedisLink link = new RedisLink(config.redisUrl(), config.history(), config.roomIdleSeconds());
        meters.watchHeld(link::held);
        return Rooms.shared(config, meters, link::fanout, link);
    }
}
