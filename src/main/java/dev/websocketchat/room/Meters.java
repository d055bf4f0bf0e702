package dev.websocketchat.room;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What a room and its endpoints count, for whoever keeps the meters ({@code ChatMetrics} serves
 * them as {@code GET /metrics}). Every method is cheap, never blocks, and may be called from any
 * thread, with the room's lock held or not.
 */
public interface Meters {

    /** Counts nothing: for a room nobody reads the meters of, as in unit tests. */
    Meters NONE = new Meters() {
        @Override
        public void watch(IntSupplier connections, LongSupplier queuedBytes, IntSupplier rooms) {
        }
    };

    /** The Prometheus text format that {@link #scrape()} writes. */
    String CONTENT_TYPE = "text/plain; version=0.0.4";

    /** Reads the rooms' state whenever the meters are read: connections admitted, bytes queued to them, rooms open. Called once. */
    void watch(IntSupplier connections, LongSupplier queuedBytes, IntSupplier rooms);

    /**
     * Reads the server's budgets whenever the meters are read: the heap bytes all history holds,
     * each account's limit, how often each was trimmed, and the client addresses tracked. Called once.
     */
    default void watchBudgets(LongSupplier historyBytes, long historyLimit, long queueLimit, LongSupplier historyTrims,
                              LongSupplier queueTrims, IntSupplier addresses) {
    }

    /** Reads how many connections are waiting to prove who they are ({@code CHAT_AUTH}) whenever the meters are read. Called once. */
    default void watchAwaitingProof(IntSupplier awaiting) {
    }

    /** The container opened a session: called first thing in {@code @OnOpen}. */
    default void sessionOpened() {
    }

    /** The container closed a session: called in {@code @OnClose}, which every container calls once per opened session. */
    default void sessionClosed() {
    }

    /** A connection was registered; its frames leave batched ({@code writesFrames}) or one message at a time. */
    default void connected(boolean writesFrames) {
    }

    default void joined() {
    }

    default void left(LeaveCause cause, int connections) {
    }

    /** A chat was handed on to be delivered, {@code startedNanos} ({@link System#nanoTime()}) after it arrived. */
    default void chatReceived(long startedNanos) {
    }

    /** A chat was not delivered again: its sender's id for it ({@code cid}) was delivered before. */
    default void repeated() {
    }

    /** Reads how many chats wait for a cluster out of reach, whenever the meters are read. Called once, in cluster mode. */
    default void watchHeld(IntSupplier held) {
    }

    /** Frames written to a connection. */
    default void delivered(int frames) {
    }

    default void rejected(Rejection reason) {
    }

    /** Every meter in the Prometheus text format (version 0.0.4); empty if nothing is counted. */
    default String scrape() {
        return "";
    }
}
