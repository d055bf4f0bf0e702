package dev.websocketchat.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Moderation;
import dev.websocketchat.protocol.ServerEvent.User;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What instances tell each other on a room's channel, one JSON object per message, told apart by {@code "type"}. A chat is also kept, as the
 * same JSON, in the room's shared history. The Lua scripts write these: {@code presence.lua},
 * {@code sync.lua} and {@code beat.lua} who is in the room, and
 * {@code publish-chat.lua} a chat, from a {@link Draft} its instance encoded once, by putting the
 * id Redis gave it in front.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(ClusterEvent.Said.class),
        @JsonSubTypes.Type(ClusterEvent.Joined.class),
        @JsonSubTypes.Type(ClusterEvent.Left.class),
        @JsonSubTypes.Type(ClusterEvent.Renamed.class),
        @JsonSubTypes.Type(ClusterEvent.Users.class),
        @JsonSubTypes.Type(ClusterEvent.Typed.class),
        @JsonSubTypes.Type(ClusterEvent.Moderated.class)})
sealed interface ClusterEvent {

    ObjectMapper MAPPER = EventCodec.mapper();
    ObjectReader READER = MAPPER.readerFor(ClusterEvent.class);
    ObjectWriter DRAFTS = MAPPER.writerFor(Draft.class);

    /**
     * A chat as the cluster numbered it. The nonce is what Redis knows it by, so a publish sent
     * again is not numbered twice: the sender's {@code cid} when it gave one, else the instance that
     * published it and its count of publishes.
     */
    @JsonTypeName("chat")
    record Said(long id, String nonce, String name, String text, Instant time,
                @JsonInclude(JsonInclude.Include.NON_NULL) String cid,
                @JsonInclude(JsonInclude.Include.NON_NULL) String user) implements ClusterEvent {
        Chat chat() {
            return new Chat(id, name, text, time, cid, user);
        }
    }

    /**
     * How someone is keyed in Redis's lists of who is in a room ({@code presence.lua},
     * {@code sync.lua}), which the scripts treat as opaque: a guest by name; a verified user by
     * name, NUL and id, so that the two are never one entry (a cleaned name holds no NUL).
     */
    static String keyOf(String name, String user) {
        return user == null ? name : name + '\u0000' + user;
    }

    /** The name and user a key of {@link #keyOf} stands for. */
    static User personOf(String key, int connections) {
        int nul = key.indexOf('\u0000');
        return nul < 0 ? new User(key, connections) : new User(key.substring(0, nul), connections, key.substring(nul + 1));
    }

    /**
     * A change of who is in the room, numbered by the room's presence sequence ({@code seq}), so
     * that an instance applies each once and in order, and can tell when it missed one.
     */
    sealed interface Change extends ClusterEvent {
        long seq();
    }

    /**
     * A connection joined the room somewhere: {@code online} the room's count on every instance
     * with it. A join that {@code presence.lua} applied names the instance and its member, so that
     * instance can admit the member at this point of the stream; one that {@code sync.lua} made
     * up from a difference names neither.
     */
    @JsonTypeName("join")
    record Joined(int online, String name, long seq, String instance, long member) implements Change {
    }

    /** A connection left the room somewhere, or went with an instance that died. */
    @JsonTypeName("leave")
    record Left(int online, String name, long seq) implements Change {
    }

    /** A connection in the room took a new name. */
    @JsonTypeName("rename")
    record Renamed(String from, String to, long seq) implements Change {
    }

    /**
     * Everyone in the room on every instance, by name with their connections, current at presence
     * number {@code seq}: published by {@code sync.lua} for one instance ({@code to}), which the
     * others skip.
     */
    @JsonTypeName("users")
    record Users(String to, long seq, Map<String, Integer> users, Map<String, Long> sanctions) implements ClusterEvent {

        /**
         * The bans and mutes in force, as {@code moderate.lua} keeps them ({@code "ban|user:ID"} to
         * when it ends, in epoch ms); cjson writes an empty table as {@code {}} or {@code []}, so either is none.
         */
        List<Moderation> inForce() {
            if (sanctions == null) {
                return List.of();
            }
            List<Moderation> inForce = new ArrayList<>();
            sanctions.forEach((field, ends) -> {
                int bar = field.indexOf('|');
                String whom = field.substring(bar + 1);
                boolean user = whom.startsWith("user:");
                inForce.add(new Moderation(field.substring(0, bar), user ? whom.substring(5) : null, user ? null : whom.substring(5), "",
                        Instant.ofEpochMilli(ends)));
            });
            return inForce;
        }
    }

    /** A moderator's kick, ban or mute, published by {@code moderate.lua} for every instance to apply: {@link Moderation} as it is. */
    @JsonTypeName("moderation")
    record Moderated(String action, @JsonInclude(JsonInclude.Include.NON_NULL) String user,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String name, String by,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Instant until) implements ClusterEvent {

        static Moderated of(Moderation event) {
            return new Moderated(event.action(), event.user(), event.name(), event.by(), event.until());
        }

        Moderation event() {
            return new Moderation(action, user, name, by, until);
        }

        String encode() {
            try {
                return MAPPER.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot encode " + this, e);
            }
        }
    }

    /** Someone in the room is typing: shown to everyone but that member of that instance, never kept. */
    @JsonTypeName("typing")
    record Typed(String name, String instance, long member) implements ClusterEvent {
        String encode() {
            try {
                return MAPPER.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot encode " + this, e);
            }
        }
    }

    /** A chat as its instance publishes it, before it has an id: {@link Said} without {@code type} and {@code id}. */
    record Draft(String nonce, String name, String text, Instant time,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String cid,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String user) {
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
