package dev.websocketchat.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts that keep the cluster's state consistent, each run atomically by Redis; the
 * {@code .lua} files beside this class document their keys and arguments. Every script touches
 * only keys under {@link #PREFIX}, and all instances of one chat must use the same Redis database.
 */
final class Scripts {

    static final String PREFIX = "chat:";
    static final String CHANNEL = PREFIX + "events";
    static final String SEQUENCE = PREFIX + "sequence";
    static final String HISTORY = PREFIX + "history";
    static final String EPOCH = PREFIX + "epoch";
    static final String COUNTS = PREFIX + "online";
    static final String ALIVE = PREFIX + "alive:";
    static final String NONCE = PREFIX + "sent:";

    static final String PUBLISH_CHAT = load("publish-chat.lua");
    static final String PRESENCE = load("presence.lua");
    static final String REAP = load("reap.lua");
    static final String RESYNC = load("resync.lua");

    private Scripts() {
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
