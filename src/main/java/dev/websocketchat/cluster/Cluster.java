package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.room.LocalFanout;
import dev.websocketchat.room.Meters;

/** Where the WAR and the standalone server get their room, so both cluster the same way. */
public final class Cluster {

    private Cluster() {
    }

    /** The room for this configuration: on its own, or fanned out through Redis when {@code CHAT_REDIS_URL} is set. */
    public static ChatRoom openRoom(ChatConfig config, Meters meters) {
        return new ChatRoom(config, config.clustered() ? new RedisFanout(config.redisUrl(), config.history()) : new LocalFanout(),
                meters);
    }
}
