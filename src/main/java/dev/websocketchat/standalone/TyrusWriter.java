package dev.websocketchat.standalone;

import java.nio.ByteBuffer;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * The writer Tyrus gets for one connection in place of its own, for its own frames (pongs, the
 * close frame), each counted against the connection's {@link ConnectionGuard} bound. Every write
 * goes straight to Grizzly's write queue, which keeps writes whole and in the order they were
 * made, from any thread. Tyrus's own Grizzly writer keeps writes in a task queue of its own with
 * no limit, and a close frame waiting there while another thread writes a pong is lost to the close.
 *
 * <p>When Tyrus is done with the connection it asks to close it; the guard ends the connection
 * itself, after the close frame (see {@link ConnectionGuard}). Tyrus may ask before its close
 * frame is queued: a server-side close marks the session closing before it writes the frame, and
 * a ping read meanwhile on a Grizzly thread fails on the closing session and closes the connection
 * ({@code docs/tyrus-findings.md}, 6). So the close waits for the frame, for the guard's close
 * timeout at most. Thread-safe.
 */
final class TyrusWriter extends Writer {

    private final ConnectionGuard guard;

    TyrusWriter(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        int size = buffer.remaining();
        boolean queued = guard.write(buffer, new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult written) {
                guard.release(size);
                if (handler != null) {
                    handler.completed(buffer);
                }
            }

            @Override
            public void failed(Throwable failure) {
                guard.release(size);
                if (handler != null) {
                    handler.failed(failure);
                }
            }

            @Override
            public void cancelled() {
                guard.release(size);
                if (handler != null) {
                    handler.cancelled();
                }
            }
        });
        if (!queued && handler != null) {
            handler.failed(new IllegalStateException("the connection was cut off"));
        }
    }

    /** Tyrus is done with the connection: the guard ends it behind the close frame, or at its timeout. */
    @Override
    public void close() {
        guard.closing();
    }
}
