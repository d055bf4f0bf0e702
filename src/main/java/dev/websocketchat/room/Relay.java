package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import java.time.Instant;

/**
 * How a room reaches the other instances of a cluster. While {@link #isUp() up}, the room numbers
 * no chats and counts no connections itself: it publishes them here, and delivers what the relay
 * hands back ({@link ChatRoom#relayChat}, {@link ChatRoom#relayPresence}) to its own members, so
 * every instance delivers the same events in the same order. While down, the room announces
 * everything itself, to its own members only. {@link #NONE} is the single-process room's relay,
 * never up.
 */
public interface Relay extends AutoCloseable {

    Relay NONE = new Relay() {
        @Override
        public boolean isUp() {
            return false;
        }

        @Override
        public int online() {
            return 0;
        }

        @Override
        public void publishChat(String name, String text, Instant time) {
            throw new IllegalStateException("a room on its own publishes nothing");
        }

        @Override
        public void publishPresence(int online, ServerEvent fallback) {
            throw new IllegalStateException("a room on its own publishes nothing");
        }

        @Override
        public void close() {
        }
    };

    /** Whether chats and presence go through the relay now. Cheap; read on every chat. */
    boolean isUp();

    /** The cluster-wide count of connections, as last heard from Redis. */
    int online();

    /**
     * Publishes a chat for every instance to number and deliver, this one included. If that
     * fails, the relay hands it to {@link ChatRoom#sayHere} instead, so its sender's instance
     * still delivers it, and never delivers it twice.
     */
    void publishChat(String name, String text, Instant time);

    /**
     * Publishes this instance's count of connections after a change. Called with the room's lock
     * held, so counts are published in the order they changed.
     *
     * @param fallback the join or leave to announce locally if publishing fails; null for a
     *                 heartbeat, which announces nothing unless the count had to be corrected
     */
    void publishPresence(int online, ServerEvent fallback);

    /** Withdraws this instance's connections from the cluster's count and disconnects. */
    @Override
    void close();
}
