package dev.websocketchat.protocol;

/**
 * What a client asked for, already validated and cleaned by {@link EventCodec#decode}: one case
 * per {@code "type"} a client may send, so that the room switches on the record, not on a string.
 */
public sealed interface ClientRequest {

    /**
     * A chat to send: {@code text} is never blank and within the configured limit; {@code name}
     * is cleaned (never blank), or null when the client gave none, to send under its connection's name.
     */
    record Chat(String name, String text) implements ClientRequest {
    }

    /** A new name for the connection, cleaned as a chat's name is (never blank). */
    record Rename(String name) implements ClientRequest {
    }
}
