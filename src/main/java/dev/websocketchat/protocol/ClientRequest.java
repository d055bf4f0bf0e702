package dev.websocketchat.protocol;

/**
 * What a client asked for, already validated and cleaned by {@link EventCodec#decode}: one case
 * per {@code "type"} a client may send, so that the room switches on the record, not on a string.
 */
public sealed interface ClientRequest {

    /**
     * A chat to send: {@code text} is never blank and within the configured limit; {@code name}
     * is cleaned (never blank), or null when the client gave none, to send under its connection's name;
     * {@code cid}, the client's own id for it (1 to 64 of {@code A-Za-z0-9_-}), or null.
     */
    record Chat(String name, String text, String cid) implements ClientRequest {
        public Chat(String name, String text) {
            this(name, text, null);
        }
    }

    /** A heartbeat, answered with {@code {"type":"pong"}} to this connection alone. */
    record Ping() implements ClientRequest {
    }

    /**
     * The client is typing: shown to the others in the room as {@link ServerEvent.Typing} for a
     * few seconds, never stored; at most one per connection every
     * {@value dev.websocketchat.room.ChatRoom#TYPING_MILLIS} ms goes out.
     */
    record Typing() implements ClientRequest {
    }

    /**
     * The connection proves who it is with a JWT ({@code CHAT_AUTH}): as its first frame, or again
     * before its token expires. {@code token} is null when the frame carries none: a guest, in
     * {@code optional} mode, saying so. Never logged.
     */
    record Auth(String token) implements ClientRequest {
        @Override
        public String toString() {
            return "Auth[token hidden]";
        }
    }

    /**
     * A moderator's action on someone in the room: {@code kick}, {@code ban} or {@code mute}. The
     * target is a verified user by {@code user}, or a guest by {@code name} (exactly one is set);
     * {@code seconds} is how long a ban or a mute lasts (0 lifts it; 0 for a kick), at most
     * {@value EventCodec#MAX_SANCTION_SECONDS}.
     */
    record Moderate(String action, String user, String name, int seconds) implements ClientRequest {
    }

    /** A new name for the connection, cleaned as a chat's name is (never blank). */
    record Rename(String name) implements ClientRequest {
    }
}
