package dev.websocketchat.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts that keep the cluster's state consistent, each run atomically by Redis; the
 * {@code .lua} files beside this class document their keys and arguments. Every key is under
 * {@link #PREFIX}: a room's under {@link #room}, an instance's own ones under {@code chat:alive:}
 * and {@code chat:rooms:}. {@code reap.lua} finds a dead instance's rooms by
 * these names rather than as declared keys, so the cluster needs one Redis (or one primary), not
 * Redis Cluster, and every instance of one chat the same database.
 */
final class Scripts {

    static final String PREFIX = "chat:";
    static final String INSTANCES = PREFIX + "instances";
    static final String ALIVE = PREFIX + "alive:";

    static final String PUBLISH_CHAT = load("publish-chat.lua");
    /** What the scripts that change who is in a room share ({@code room.lua}), put in front of each. */
    private static final String ROOM = load("room.lua");
    static final String PRESENCE = ROOM + load("presence.lua");
    static final String SYNC = ROOM + load("sync.lua");
    static final String REAP = ROOM + load("reap.lua");
    static final String RESYNC = load("resync.lua");

    private Scripts() {
    }

    /** The prefix of a room's keys; its channel is {@code <prefix>events}. */
    static String room(String name) {
        return PREFIX + "room:" + name + ":";
    }

    /** The set of rooms an instance is in, which the reaper empties when it dies. */
    static String roomsOf(String instance) {
        return PREFIX + "rooms:" + instance;
    }

    private static String load(String name) {
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
