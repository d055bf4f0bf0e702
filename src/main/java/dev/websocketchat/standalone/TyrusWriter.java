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
 * made, from any thread, and which the graceful close Tyrus asks for waits behind. Tyrus's own
 * Grizzly writer keeps writes in a task queue of its own with no limit, and a close frame
 * waiting there while another thread writes a pong is lost to the close.
 *
 * <p>Tyrus may also ask to close before its close frame is queued: a server-side close marks the
 * session closing before it writes the frame, and a ping read meanwhile on a Grizzly thread fails
 * on the closing session and closes the connection ({@code docs/tyrus-findings.md}, 6). So a
 * close asked for before any close frame waits for one, for the guard's close timeout at most.
 * Thread-safe.
 */
final class TyrusWriter extends Writer {

    private static final byte CLOSE_FRAME_START = (byte) 0x88; // FIN and opcode 8, as Tyrus writes it

    private final ConnectionGuard guard;
    private boolean closeFrameQueued; // guarded by this
    private boolean closeAsked; // guarded by this

    TyrusWriter(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        int size = buffer.remaining();
        boolean closeFrame = size > 0 && buffer.get(buffer.position()) == CLOSE_FRAME_START;
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
        if (!queued) {
            if (handler != null) {
                handler.failed(new IllegalStateException("the connection was cut off"));
            }
            return;
        }
        if (closeFrame) {
            closeFrameQueued();
        }
    }

    /** Tyrus is done with the connection: it closes behind the close frame, once one is queued. */
    @Override
    public void close() {
        synchronized (this) {
            closeAsked = true;
            if (!closeFrameQueued) {
                guard.closing(); // the frame is coming; the guard's timeout ends the connection if it does not
                return;
            }
        }
        guard.closeGracefully();
    }

    private void closeFrameQueued() {
        boolean closeNow;
        synchronized (this) {
            closeFrameQueued = true;
            closeNow = closeAsked;
        }
        guard.closing();
        if (closeNow) {
            guard.closeGracefully();
        }
    }
}
