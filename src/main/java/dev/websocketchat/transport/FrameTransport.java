package dev.websocketchat.transport;

import dev.websocketchat.room.Batch;
import dev.websocketchat.room.LeaveCause;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A way past the WebSocket API to one connection's transport, for a container that has one:
 * writes frames that are already encoded, so a broadcast is encoded once and a connection's
 * queued frames leave in one write (see {@code Outbox}), where {@code RemoteEndpoint.Async}
 * encodes, frames and writes each text message on its own.
 *
 * <p>The standalone server's own (over the connection's Grizzly write queue) reaches the endpoint
 * as an {@link Offer}. In a WAR, {@link Containers#transport} finds the one its container
 * allows; elsewhere sends go through the API.
 */
public interface FrameTransport {

    /** Writes the frames; reports completion (null) or failure to {@code done}, on any thread. */
    void write(Batch frames, Consumer<Throwable> done);

    /**
     * The executor of the thread this transport's writes are made on, where the container hands
     * over every write made on another thread; null (the default) where any thread may write.
     * See {@code Peer.writer()}.
     */
    default Executor writer() {
        return null;
    }

    /**
     * Writes the close frame (RFC 6455 5.5.1) now, ahead of the container's own, which the
     * transport then drops along with anything else written after it. The peer closes through
     * here before it closes the session, so that its code cannot be lost to a close the container
     * makes on another thread meanwhile (Tyrus answers a ping read during the close with 1011:
     * {@code docs/tyrus-findings.md}, 6). The reason is cut to the 123 bytes a close frame holds.
     * A transport that writes through the container's own endpoint leaves the close to the
     * container, which orders it after the writes: the default does nothing.
     */
    default void writeClose(int code, String reason) {
    }

    /**
     * Asks to be told what the transport finds in the connection's traffic; see {@link Watcher}.
     * Only a transport that reads the connection itself finds anything: the default ignores it.
     */
    default void watch(Watcher watcher) {
    }

    /**
     * What a transport that reads a connection's frames itself reports, which the WebSocket API
     * never shows an endpoint. Called on the transport's threads, one call at a time per connection.
     */
    interface Watcher {

        /** A ping, pong or close frame arrived. */
        void controlFrame();

        /** The client broke a rule of the protocol; nothing more it sends is delivered. Close with {@code code}. */
        void brokeTheRules(LeaveCause cause, int code, String reason);

        /** The transport has ended the connection already: it was holding more than its bound for it. */
        void cutOff(String why);
    }
}
