package dev.websocketchat.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;

/**
 * Every event the server sends, one JSON text frame each, told apart by {@code "type"}.
 * The protocol table in docs/protocol.md is the normative description; these records are its code.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(ServerEvent.History.class),
        @JsonSubTypes.Type(ServerEvent.Join.class),
        @JsonSubTypes.Type(ServerEvent.Leave.class),
        @JsonSubTypes.Type(ServerEvent.Rename.class),
        @JsonSubTypes.Type(ServerEvent.Chat.class),
        @JsonSubTypes.Type(ServerEvent.Sent.class),
        @JsonSubTypes.Type(ServerEvent.Pong.class),
        @JsonSubTypes.Type(ServerEvent.Typing.class),
        @JsonSubTypes.Type(ServerEvent.Moderation.class),
        @JsonSubTypes.Type(ServerEvent.Refusal.class)})
public sealed interface ServerEvent {

    /**
     * First frame on every connection: the chats the client has not seen, oldest first. Without a
     * resume point (or with one the server cannot honour) that is the whole buffer of recent chats.
     * {@code epoch} names this run of the server (it changes on restart, and chat ids restart with
     * it); {@code complete} says whether no chat is missing between the resume point (or the
     * epoch's first chat) and the first one listed. {@code users} is who is in the room, the
     * newcomer included, so the newcomer's own {@link Join}, which follows, is already counted in it;
     * null (left out) in a room so large that the list would take more than a quarter of the
     * newcomer's send queue (thousands of long names), as for a client that never asked.
     */
    @JsonTypeName("history")
    record History(String epoch, boolean complete, List<Chat> messages,
                   @JsonInclude(JsonInclude.Include.NON_NULL) List<User> users) implements ServerEvent {
        public History {
            messages = List.copyOf(messages);
            users = users == null ? null : List.copyOf(users);
        }
    }

    /**
     * One name in a room's {@link History#users}, with how many of its connections carry it, and
     * the verified user's id ({@code sub}) for a name someone proved (left out for guests).
     */
    record User(String name, int connections, @JsonInclude(JsonInclude.Include.NON_NULL) String user) {
        public User(String name, int connections) {
            this(name, connections, null);
        }
    }

    /**
     * A connection was admitted under {@code name}; {@code online} counts it. {@code user} is the
     * verified user's id (left out for a guest), as in every event about someone.
     */
    @JsonTypeName("join")
    record Join(int online, String text, String name, @JsonInclude(JsonInclude.Include.NON_NULL) String user) implements ServerEvent {
        public static Join of(int online, String name) {
            return of(online, name, null);
        }

        public static Join of(int online, String name, String user) {
            return new Join(online, "새로운 유저 접속 [현재: " + online + "명]", name, user);
        }
    }

    /** A connection under {@code name} ended, however it ended; {@code online} no longer counts it. */
    @JsonTypeName("leave")
    record Leave(int online, String text, String name, @JsonInclude(JsonInclude.Include.NON_NULL) String user) implements ServerEvent {
        public static Leave of(int online, String name) {
            return of(online, name, null);
        }

        public static Leave of(int online, String name, String user) {
            return new Leave(online, "유저 연결 해제 [현재: " + online + "명]", name, user);
        }
    }

    /** A connection's name changed from {@code from} to {@code to}. */
    @JsonTypeName("rename")
    record Rename(String from, String to) implements ServerEvent {
    }

    /**
     * A chat as broadcast: {@code id} is positive and increases strictly in broadcast order;
     * {@code cid} is the id its sender gave it, if any, so the sender can tell its own chat has
     * arrived (left out when there is none).
     */
    @JsonTypeName("chat")
    record Chat(long id, String name, String text, Instant time,
                @JsonInclude(JsonInclude.Include.NON_NULL) String cid,
                @JsonInclude(JsonInclude.Include.NON_NULL) String user) implements ServerEvent {
        public Chat(long id, String name, String text, Instant time, String cid) {
            this(id, name, text, time, cid, null);
        }

        public Chat(long id, String name, String text, Instant time) {
            this(id, name, text, time, null, null);
        }
    }

    /**
     * To the sender alone, for a chat whose {@code cid} was delivered before as chat {@code id}: a
     * resend after a lost connection is not delivered again.
     */
    @JsonTypeName("sent")
    record Sent(String cid, long id) implements ServerEvent {
    }

    /**
     * Someone in the room (by the name their connection has) is typing: to everyone in the room
     * but them, never kept in the history. A page shows it for a few seconds.
     */
    @JsonTypeName("typing")
    record Typing(String name) implements ServerEvent {
    }

    /**
     * A moderator ({@code by}, by name) kicked, banned or muted someone in the room: a verified
     * {@code user}, or a guest by {@code name}; {@code until} is when a ban or mute ends (left out
     * for a kick, and for a lifted one, whose {@code seconds} was 0). To everyone in the room, never kept.
     */
    @JsonTypeName("moderation")
    record Moderation(String action, @JsonInclude(JsonInclude.Include.NON_NULL) String user,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String name, String by,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Instant until) implements ServerEvent {
    }

    /** The answer to a client's {@code {"type":"ping"}}, to it alone: the page's proof that the link is alive. */
    @JsonTypeName("pong")
    record Pong() implements ServerEvent {
    }

    /**
     * Sent to one connection whose input was refused; the connection stays open. {@code code} says
     * why, from a fixed set a client can translate ({@code rate_limited}, {@code text_too_long}, …;
     * the {@code reason} of {@code chat_rejected_total}); {@code reason} says it in English, for people;
     * {@code cid} names the refused chat when the server had read it (left out otherwise).
     */
    @JsonTypeName("error")
    record Refusal(@JsonInclude(JsonInclude.Include.NON_NULL) String code, String reason,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String cid) implements ServerEvent {
    }
}
