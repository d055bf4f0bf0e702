package dev.websocketchat.standalone;

import dev.websocketchat.transport.FrameTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * What bounds one upgraded connection of the standalone server, below Tyrus:
 *
 * <ul>
 *   <li><b>Bytes waiting to be written.</b> Every write to the connection, Tyrus's own (pongs,
 *       its close frame, through {@link TyrusWriter}) and the room's frames (through
 *       {@link TyrusFrameTransport}), goes through {@link #write} straight to Grizzly's write
 *       queue, which takes whatever it is given. The guard counts the bytes handed over and not
 *       yet written; a write that would take them past {@code maxPendingBytes} cuts the
 *       connection off at once.
 *   <li><b>The close</b>, through a {@link CloseHandshake}: one close frame, nothing after it,
 *       and the TCP connection ended only once the client has had it, within a timeout.
 *   <li><b>What the client sends</b>, through a {@link FrameScanner} the filter feeds.
 * </ul>
 *
 * <p>Findings go to the {@link FrameTransport.Watcher} the endpoint registers; until one is
 * registered, or for a connection cut off, the guard aborts the connection itself. Thread-safe.
 */
final class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

    private final Connection<?> connection;
    private final long maxPendingBytes;
    private final FrameScanner scanner;
    private final CloseHandshake close;
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile boolean upgraded;
    private volatile FrameTransport.Watcher watcher;

    ConnectionGuard(NIOConnection connection, long maxMessageBytes, long maxPendingBytes, ScheduledExecutorService timer) {
        this.connection = connection;
        this.maxPendingBytes = maxPendingBytes;
        this.close = new CloseHandshake(connection, timer, this::abort);
        this.scanner = new FrameScanner(maxMessageBytes, opcode -> {
            if (opcode == CloseHandshake.CLOSE_OPCODE) {
                close.peerClosed();
            }
            FrameTransport.Watcher current = watcher;
            if (current != null && !close.isCloseFrameQueued()) {
                current.controlFrame();
            }
        });
    }

    /** Tyrus has taken the connection over: from now on, what the client sends is WebSocket frames. */
    void markUpgraded() {
        upgraded = true;
    }

    boolean upgraded() {
        return upgraded;
    }

    Connection<?> connection() {
        return connection;
    }

    /**
     * Whether nothing of the connection's is left in Grizzly's write queue for a stop to drop: its
     * close frame has reached the socket, or the connection is gone.
     */
    boolean closeWrittenOrGone() {
        return !connection.isOpen() || close.isCloseFrameWritten();
    }

    FrameScanner scanner() {
        return scanner;
    }

    void watch(FrameTransport.Watcher newWatcher) {
        watcher = newWatcher;
    }

    /** Tyrus has let the upgraded connection go while data still arrives on it: it ends now. */
    void forgotten() {
        abort("Tyrus had let it go already");
    }

    /** The scanner found a violation; nothing more is read from the connection. */
    void broken(FrameScanner.Violation violation) {
        FrameTransport.Watcher current = watcher;
        if (current == null) {
            abort("it broke the protocol before it was admitted: " + violation.reason());
        } else {
            current.brokeTheRules(violation.cause(), violation.code(), violation.reason());
        }
    }

    /**
     * Counts the bytes and queues them on Grizzly's write queue; past the bound, cuts the
     * connection off instead and returns false, without calling the handler. When it returns
     * true, the handler must {@linkplain #release release} the bytes as the write completes,
     * fails or is cancelled.
     *
     * <p>Bytes that start with a close frame are the close frame (see {@link CloseHandshake}).
     * After it is queued, a write is dropped and its handler completed at once. A write made on
     * another thread while the close frame is being queued may still land after it; a client
     * stops reading at the close frame.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean write(ByteBuffer bytes, org.glassfish.grizzly.CompletionHandler<WriteResult> handler) {
        int size = bytes.remaining();
        if (pendingBytes.addAndGet(size) > maxPendingBytes) {
            pendingBytes.addAndGet(-size);
            cutOff("more than " + maxPendingBytes + " bytes were waiting to be written to it");
            return false;
        }
        CloseHandshake.Write kind = close.classify(bytes);
        if (kind == CloseHandshake.Write.DROPPED) {
            handler.completed(null); // its handler releases the bytes counted above
            return true;
        }
        Connection raw = connection;
        boolean closeFrame = kind == CloseHandshake.Write.CLOSE_FRAME;
        raw.write(Buffers.wrap(connection.getMemoryManager(), bytes), closeFrame ? close.closeFrameHandler(handler) : handler);
        if (closeFrame) {
            close.closeFrameQueued();
        }
        return true;
    }

    /** Whether the close frame is queued: what the client sends now is only scanned for its close frame, and discarded. */
    boolean closeFrameQueued() {
        return close.isCloseFrameQueued();
    }

    /** The bytes of a write are written, failed or cancelled. */
    void release(int size) {
        if (pendingBytes.addAndGet(-size) == 0) {
            close.drained();
        }
    }

    /** Tyrus is done with the connection; see {@link CloseHandshake#started}. */
    void closing() {
        close.started();
    }

    /** Tells the room first, so that the leave is counted as the room's verdict and not as the reset that follows. */
    private void cutOff(String why) {
        FrameTransport.Watcher current = watcher;
        if (current != null) {
            current.cutOff(why);
        }
        abort(why);
    }

    /** Ends the TCP connection now, dropping whatever waits to be written (Grizzly's close would wait for it). */
    private void abort(String why) {
        if (connection.isOpen()) {
            LOG.fine(() -> "aborting " + connection.getPeerAddress() + ": " + why);
            connection.terminateSilently();
        }
    }
}
