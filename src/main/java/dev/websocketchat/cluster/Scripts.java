package dev.websocketchat.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts that keep the cluster's state consistent, each run atomically by Redis; the
 * {@code .lua} files beside this class document their keys and arguments. Each is about one room,
 * and every key and the channel of a room share its name as their hash tag ({@link #room}), so a
 * Redis Cluster keeps a room on one shard and runs its scripts there. A script publishes with the
 * command in its {@code PUBLISH} variable, which {@link Redis#publish} chooses.
 */
final class Scripts {

    final String publishChat;
    final String presence;
    final String sync;
    final String beat;
    final String resync;
    final String typing;
    final String moderate;

    /** @param publish {@code PUBLISH}, or {@code SPUBLISH} for a room's shard channel */
    Scripts(String publish) {
        String head = "local PUBLISH = '" + publish + "'\n";
        String room = head + load("room.lua"); // what the scripts that change who is in a room share
        this.publishChat = head + load("publish-chat.lua");
        this.presence = room + load("presence.lua");
        this.sync = room + load("sync.lua");
        this.beat = room + load("beat.lua");
        this.resync = load("resync.lua");
        this.typing = head + load("typing.lua");
        this.moderate = head + load("moderate.lua");
    }

    /** The prefix of a room's keys, {@code chat:{NAME}:}; its channel is {@code <prefix>events}. */
    static String room(String name) {
        return "chat:{" + name + "}:";
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
