package dev.websocketchat.standalone;

import dev.websocketchat.endpoint.FrameTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;

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
 *   <li><b>The close.</b> Once a close frame is written, the TCP connection is aborted unless it
 *       ends within {@value #CLOSE_TIMEOUT_SECONDS} s: Tyrus would otherwise wait for a close reply
 *       forever, behind data a peer that stopped reading never takes.
 *   <li><b>What the client sends</b>, through a {@link FrameScanner} the filter feeds.
 * </ul>
 *
 * <p>Findings go to the {@link FrameTransport.Watcher} the endpoint registers; until one is
 * registered, or for a connection cut off, the guard aborts the connection itself. Thread-safe.
 */
final class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    static final int CLOSE_TIMEOUT_SECONDS = 5;

    private final Connection<?> connection;
    private final long maxPendingBytes;
    private final ScheduledExecutorService timer;
    private final FrameScanner scanner;
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile boolean upgraded;
    private volatile FrameTransport.Watcher watcher;
    private volatile ScheduledFuture<?> closeTimeout;

    ConnectionGuard(Connection<?> connection, long maxMessageBytes, long maxPendingBytes, ScheduledExecutorService timer) {
        this.connection = connection;
        this.maxPendingBytes = maxPendingBytes;
        this.timer = timer;
        this.scanner = new FrameScanner(maxMessageBytes, opcode -> {
            FrameTransport.Watcher current = watcher;
            if (current != null) {
                current.controlFrame();
            }
        });
        connection.addCloseListener((closed, type) -> {
            ScheduledFuture<?> pending = closeTimeout;
            if (pending != null) {
                pending.cancel(false);
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
            current.brokeTheRules(violation.code(), violation.reason());
        }
    }

    /**
     * Counts the bytes and queues them on Grizzly's write queue; past the bound, cuts the
     * connection off instead and returns false, without calling the handler. When it returns
     * true, the handler must {@linkplain #release release} the bytes as the write completes,
     * fails or is cancelled.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean write(ByteBuffer bytes, org.glassfish.grizzly.CompletionHandler<WriteResult> handler) {
        int size = bytes.remaining();
        if (pendingBytes.addAndGet(size) > maxPendingBytes) {
            pendingBytes.addAndGet(-size);
            cutOff("more than " + maxPendingBytes + " bytes were waiting to be written to it");
            return false;
        }
        Connection raw = connection;
        raw.write(Buffers.wrap(connection.getMemoryManager(), bytes), handler);
        return true;
    }

    void release(int size) {
        pendingBytes.addAndGet(-size);
    }

    /** Closes the connection once every write queued before this call is written. */
    void closeGracefully() {
        connection.closeSilently();
    }

    /** A close is under way: the connection ends within the timeout, answered or not. */
    synchronized void closing() {
        if (closeTimeout != null) {
            return;
        }
        try {
            closeTimeout = timer.schedule(() -> abort("its close handshake did not end within " + CLOSE_TIMEOUT_SECONDS + " s"),
                    CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException serverStopping) {
            abort("the server is stopping");
        }
    }

    private void cutOff(String why) {
        FrameTransport.Watcher current = watcher;
        abort(why);
        if (current != null) {
            current.cutOff(why);
        }
    }

    /** Ends the TCP connection now, dropping whatever waits to be written (Grizzly's close would wait for it). */
    private void abort(String why) {
        if (connection.isOpen()) {
            LOG.fine(() -> "aborting " + connection.getPeerAddress() + ": " + why);
            connection.terminateSilently();
        }
    }
}
