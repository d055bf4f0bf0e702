package dev.websocketchat.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * How one upgraded connection of the standalone server ends (RFC 6455 7.1.1), for its
 * {@link ConnectionGuard}:
 *
 * <ul>
 *   <li>The first close frame written is the only one, and nothing is written after it (5.5.1):
 *       the guard drops later writes and reports them done.
 *   <li>Once the close frame and everything before it are written, the socket's output is shut
 *       (a FIN after the close frame) and the connection reads on, discarding what arrives.
 *   <li>Once the client's close frame has arrived too, the connection closes behind the server's;
 *       a client that closes its end ends it as well; and it is aborted if the close takes more
 *       than {@value #TIMEOUT_SECONDS} s from its start.
 * </ul>
 *
 * <p>Closing the socket right after the close frame, as Tyrus asks, drops the frame whenever the
 * client is still sending: the kernel answers unread data with a reset and discards what it has
 * not yet sent ({@code docs/tyrus-findings.md}, 8). Thread-safe.
 */
final class CloseHandshake {

    static final int TIMEOUT_SECONDS = 5;
    static final int CLOSE_OPCODE = 0x8;
    private static final byte CLOSE_FRAME_START = (byte) (0x80 | CLOSE_OPCODE); // FIN and the opcode: a server's close frame starts so

    /** What a write is, to the close. */
    enum Write { FRAMES, CLOSE_FRAME, DROPPED }

    private final NIOConnection connection;
    private final ScheduledExecutorService timer;
    private final Consumer<String> abort;
    private final AtomicBoolean closeFrameQueued = new AtomicBoolean();
    private final AtomicBoolean outputShut = new AtomicBoolean();
    private volatile boolean closeFrameWritten;
    private volatile boolean peerCloseRead;
    private volatile ScheduledFuture<?> timeout;

    /** @param abort ends the TCP connection at once, with the reason for the log */
    CloseHandshake(NIOConnection connection, ScheduledExecutorService timer, Consumer<String> abort) {
        this.connection = connection;
        this.timer = timer;
        this.abort = abort;
        connection.addCloseListener((closed, type) -> {
            ScheduledFuture<?> pending = timeout;
            if (pending != null) {
                pending.cancel(false);
            }
        });
    }

    /** Bytes that start with a close frame are the close frame; after it, every write is dropped. */
    Write classify(ByteBuffer bytes) {
        if (closeFrameQueued.get()) {
            return Write.DROPPED;
        }
        if (!bytes.hasRemaining() || bytes.get(bytes.position()) != CLOSE_FRAME_START) {
            return Write.FRAMES;
        }
        return closeFrameQueued.compareAndSet(false, true) ? Write.CLOSE_FRAME : Write.DROPPED;
    }

    /** Wraps the close frame's handler: the frame counts as written before its bytes are released. */
    @SuppressWarnings("rawtypes")
    CompletionHandler<WriteResult> closeFrameHandler(CompletionHandler<WriteResult> handler) {
        return new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult written) {
                closeFrameWritten = true;
                handler.completed(written);
            }

            @Override
            public void failed(Throwable failure) {
                handler.failed(failure);
            }

            @Override
            public void cancelled() {
                handler.cancelled();
            }
        };
    }

    /** The close frame is on Grizzly's write queue. */
    void closeFrameQueued() {
        started();
        if (peerCloseRead) {
            connection.closeSilently(); // the client's close came first: both are exchanged
        }
    }

    /** Whether the close frame has left Grizzly's queue for the socket. */
    boolean isCloseFrameWritten() {
        return closeFrameWritten;
    }

    /** Whether the close frame is queued: what the client sends now is only scanned for its close frame, and discarded. */
    boolean isCloseFrameQueued() {
        return closeFrameQueued.get();
    }

    /** The client's close frame arrived: once the server's is queued too, the connection closes behind it. */
    void peerClosed() {
        peerCloseRead = true;
        started();
        if (closeFrameQueued.get()) {
            connection.closeSilently();
        }
    }

    /** Nothing waits to be written any more: after the close frame, the output is shut. */
    void drained() {
        if (closeFrameWritten && outputShut.compareAndSet(false, true)) {
            try {
                ((SocketChannel) connection.getChannel()).shutdownOutput();
            } catch (IOException e) {
                abort.accept("its output could not be shut: " + e);
            }
        }
    }

    /** A close is under way (Tyrus may ask before its close frame is queued): it ends within the timeout, answered or not. */
    synchronized void started() {
        if (timeout != null || !connection.isOpen()) {
            return;
        }
        try {
            timeout = timer.schedule(() -> abort.accept("its close handshake did not end within " + TIMEOUT_SECONDS + " s"),
                    TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException serverStopping) {
            abort.accept("the server is stopping");
        }
    }
}
