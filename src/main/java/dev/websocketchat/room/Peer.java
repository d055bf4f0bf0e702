package dev.websocketchat.room;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The room's view of one connection; the endpoint implements it over a WebSocket session,
 * tests over anything they like.
 *
 * <p>{@link #send} and {@link #ping} are asynchronous: they hand the frame over and report
 * completion (null) or failure to {@code done}, on any thread, possibly before they return.
 * {@link Outbox} never has more than one of them outstanding per peer, because containers such
 * as Tomcat refuse a second concurrent send on one session.
 *
 * <p>{@link #close} may block (Tomcat waits for an in-flight send before writing the close
 * frame), so the room calls it from its own closing executor, never from a thread that is
 * delivering to other connections. The one exception is a connection refused at admission, which
 * was never sent anything: it is closed on the thread that opened it.
 *
 * <p>A peer that can reach its connection's transport past the WebSocket API says so with
 * {@link #writesFrames}; the outbox then hands it whole frames, encoded once per broadcast and
 * several to a {@link #write}, instead of one text message per {@link #send}.
 *
 * <p>A peer whose container makes every write on the connection's own I/O thread, handing over
 * each write made elsewhere, names that thread's executor with {@link #writer}; the outbox then
 * flushes there, so its writes are made where the container would make them anyway.
 */
public interface Peer {

    void send(String text, Consumer<Throwable> done);

    /** Whether {@link #write} is available; never changes for a given peer. */
    default boolean writesFrames() {
        return false;
    }

    /**
     * Writes the frames of a batch, in order and, where the transport can, in one go, and
     * reports like {@link #send}. Called only on a peer that {@linkplain #writesFrames writes frames}.
     */
    default void write(Batch frames, Consumer<Throwable> done) {
        throw new UnsupportedOperationException("this peer sends text messages only");
    }

    /**
     * Runs tasks on the thread that makes this connection's writes, if the container makes them
     * on one thread and hands over those made on any other (Undertow's I/O threads); else null,
     * and the outbox sends on whichever thread flushes it. The executor runs a task at once when
     * called on its own thread, may run several connections' tasks in one hand-over, and runs a
     * task on the calling thread rather than lose it. Never changes for a given peer.
     */
    default Executor writer() {
        return null;
    }

    void ping(Consumer<Throwable> done);

    void close(int code, String reason);

    /**
     * The close sent earlier has not ended the connection in time (the peer neither answered nor
     * let go): ends it now, without a close handshake, where the container offers a way; else
     * leaves it to the container. Does nothing once the connection has ended.
     */
    default void abort() {
    }

    /** False once the connection is closing or closed, from either side. */
    boolean isOpen();
}
