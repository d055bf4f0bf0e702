package dev.websocketchat.protocol;

/**
 * A chat a client asked to send, already validated and cleaned by {@link EventCodec#decode}:
 * {@code name} is never blank, {@code text} is never blank and within the configured limit.
 */
public record ChatRequest(String name, String text) {
}
