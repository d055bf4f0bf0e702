package dev.websocketchat.cluster;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.room.ChatRoom;

/** Where the WAR and the standalone server get their room, so both cluster the same way. */
public final class Cluster {

    private Cluster() {
    }

    /** The room for this configuration: on its own, or relayed through Redis when {@code CHAT_REDIS_URL} is set. */
    public static ChatRoom openRoom(ChatConfig config) {
        ChatRoom room = new ChatRoom(config);
        if (config.clustered()) {
            RedisRelay.join(room, config.redisUrl());
        }
        return room;
    }
}
