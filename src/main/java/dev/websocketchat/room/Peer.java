package dev.websocketchat.room;

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
 */
public interface Peer {

    void send(String text, Consumer<Throwable> done);

    void ping(Consumer<Throwable> done);

    void close(int code, String reason);

    /** False once the connection is closing or closed, from either side. */
    boolean isOpen();
}
