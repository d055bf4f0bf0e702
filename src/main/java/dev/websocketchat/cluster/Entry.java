package dev.websocketchat.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.time.Instant;

/**
 * A chat as the cluster keeps it, in the shared history and on the channel (after {@code "chat "}):
 * {@code <id> <nonce> <the chat's JSON with id 0>}. The id is Redis's; the nonce names the
 * instance that published it and its count of publishes, so that instance can tell a chat it
 * already delivered by itself.
 */
record Entry(String nonce, Chat chat) {

    /** The JSON an instance publishes, for Redis to prefix with the id. */
    static String body(EventCodec codec, String name, String text, Instant time) {
        return codec.encode(new Chat(0, name, text, time));
    }

    /** @throws IllegalArgumentException if the entry is not one this server wrote */
    static Entry parse(EventCodec codec, String entry) {
        String[] parts = entry.split(" ", 3);
        if (parts.length < 3) {
            throw new IllegalArgumentException("not a chat entry: " + entry);
        }
        try {
            ServerEvent event = codec.decodeEvent(parts[2]);
            if (!(event instanceof Chat body)) {
                throw new IllegalArgumentException("not a chat: " + parts[2]);
            }
            return new Entry(parts[1], new Chat(Long.parseLong(parts[0]), body.name(), body.text(), body.time()));
        } catch (JsonProcessingException | NumberFormatException e) {
            throw new IllegalArgumentException("not a chat entry: " + entry, e);
        }
    }
}
