package dev.websocketchat.cluster;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What instances tell each other on {@link Scripts#CHANNEL}, one JSON object per message, told
 * apart by {@code "type"}. A chat is also kept, as the same JSON, in the shared history. The Lua
 * scripts write these: {@code presence.lua} and {@code reap.lua} the counts, and
 * {@code publish-chat.lua} a chat, from a {@link Draft} its instance encoded once, by putting the
 * id Redis gave it in front.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(ClusterEvent.Said.class),
        @JsonSubTypes.Type(ClusterEvent.Joined.class),
        @JsonSubTypes.Type(ClusterEvent.Left.class)})
sealed interface ClusterEvent {

    ObjectMapper MAPPER = EventCodec.mapper();
    ObjectReader READER = MAPPER.readerFor(ClusterEvent.class);
    ObjectWriter DRAFTS = MAPPER.writerFor(Draft.class);

    /**
     * A chat as the cluster numbered it. The nonce names the instance that published it and its
     * count of publishes, so that instance can tell a chat it already delivered by itself.
     */
    @JsonTypeName("chat")
    record Said(long id, String nonce, String name, String text, Instant time) implements ClusterEvent {
        Chat chat() {
            return new Chat(id, name, text, time);
        }
    }

    /**
     * Connections joined somewhere: one message per connection, {@code online} the cluster's count
     * with it, {@code name} the connection's (null when a recount found connections it cannot name).
     */
    @JsonTypeName("join")
    record Joined(int online, String name) implements ClusterEvent {
    }

    /** Connections left somewhere, or went with an instance that died (then without a name). */
    @JsonTypeName("leave")
    record Left(int online, String name) implements ClusterEvent {
    }

    /** A chat as its instance publishes it, before it has an id: {@link Said} without {@code type} and {@code id}. */
    record Draft(String nonce, String name, String text, Instant time) {
        String encode() {
            try {
                return DRAFTS.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot encode " + this, e);
            }
        }
    }

    /** @throws IllegalArgumentException if the message is not one this server writes */
    static ClusterEvent decode(String json) {
        try {
            return READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a cluster event: " + e.getOriginalMessage(), e);
        }
    }
}
