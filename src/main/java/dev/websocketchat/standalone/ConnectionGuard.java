package dev.websocketchat.standalone;

import dev.websocketchat.endpoint.FrameTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
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
 *   <li><b>The close.</b> The first close frame written is the only one, and nothing is written
 *       after it (RFC 6455 5.5.1): later writes are dropped, and reported done. Once it and
 *       everything before it are written, the guard shuts the socket's output (a FIN after the
 *       close frame) and keeps reading, discarding what arrives, until the client answers with
 *       its close frame or closes its end. Once both close frames have passed, the connection
 *       closes behind the server's; it is aborted if the close takes more than
 *       {@value #CLOSE_TIMEOUT_SECONDS} s.
 *       Closing the socket at once, as Tyrus asks, would drop the close frame whenever the client
 *       is still sending: the kernel answers unread data with a reset and discards what it has not
 *       yet sent ({@code docs/tyrus-findings.md}, 8).
 *   <li><b>What the client sends</b>, through a {@link FrameScanner} the filter feeds.
 * </ul>
 *
 * <p>Findings go to the {@link FrameTransport.Watcher} the endpoint registers; until one is
 * registered, or for a connection cut off, the guard aborts the connection itself. Thread-safe.
 */
final class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    static final int CLOSE_TIMEOUT_SECONDS = 5;
    private static final int CLOSE_OPCODE = 0x8;
    private static final byte CLOSE_FRAME_START = (byte) (0x80 | CLOSE_OPCODE); // FIN and the opcode: a server's close frame starts so

    private final Connection<?> connection;
    private final SocketChannel channel;
    private final long maxPendingBytes;
    private final ScheduledExecutorService timer;
    private final FrameScanner scanner;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean closeFrameQueued = new AtomicBoolean();
    private final AtomicBoolean outputShut = new AtomicBoolean();
    private volatile boolean closeFrameWritten;
    private volatile boolean peerCloseRead;
    private volatile boolean upgraded;
    private volatile FrameTransport.Watcher watcher;
    private volatile ScheduledFuture<?> closeTimeout;

    ConnectionGuard(NIOConnection connection, long maxMessageBytes, long maxPendingBytes, ScheduledExecutorService timer) {
        this.connection = connection;
        this.channel = (SocketChannel) connection.getChannel();
        this.maxPendingBytes = maxPendingBytes;
        this.timer = timer;
        this.scanner = new FrameScanner(maxMessageBytes, opcode -> {
            if (opcode == CLOSE_OPCODE) {
                peerClosed();
            }
            FrameTransport.Watcher current = watcher;
            if (current != null && !closeFrameQueued.get()) {
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
     *
     * <p>Bytes that start with a close frame are the close frame. After it is queued, a write is
     * dropped and its handler completed at once. A write made on another thread while the close
     * frame is being queued may still land after it; a client stops reading at the close frame.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean write(ByteBuffer bytes, org.glassfish.grizzly.CompletionHandler<WriteResult> handler) {
        int size = bytes.remaining();
        if (pendingBytes.addAndGet(size) > maxPendingBytes) {
            pendingBytes.addAndGet(-size);
            cutOff("more than " + maxPendingBytes + " bytes were waiting to be written to it");
            return false;
        }
        boolean closeFrame = size > 0 && bytes.get(bytes.position()) == CLOSE_FRAME_START;
        if (closeFrameQueued.get() || (closeFrame && !closeFrameQueued.compareAndSet(false, true))) {
            handler.completed(null); // its handler releases the bytes counted above
            return true;
        }
        Connection raw = connection;
        raw.write(Buffers.wrap(connection.getMemoryManager(), bytes), closeFrame ? new CloseFrameWritten(handler) : handler);
        if (closeFrame) {
            closing();
            if (peerCloseRead) {
                connection.closeSilently(); // the client's close came first: both are exchanged
            }
        }
        return true;
    }

    /** The client's close frame: once the server's is queued too, the connection closes after it. */
    private void peerClosed() {
        peerCloseRead = true;
        closing();
        if (closeFrameQueued.get()) {
            connection.closeSilently();
        }
    }

    /** Whether the close frame is queued: what the client sends now is only scanned for its close frame, and discarded. */
    boolean closeFrameQueued() {
        return closeFrameQueued.get();
    }

    /** Marks the close frame written before its handler releases its bytes, so that the last release can shut the output. */
    @SuppressWarnings("rawtypes")
    private final class CloseFrameWritten extends EmptyCompletionHandler<WriteResult> {
        private final org.glassfish.grizzly.CompletionHandler<WriteResult> handler;

        CloseFrameWritten(org.glassfish.grizzly.CompletionHandler<WriteResult> handler) {
            this.handler = handler;
        }

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
    }

    /** The bytes of a write are written, failed or cancelled; the last after the close frame shuts the output. */
    void release(int size) {
        if (pendingBytes.addAndGet(-size) == 0 && closeFrameWritten) {
            shutOutput();
        }
    }

    /** A FIN after the close frame; the connection ends when the client closes its end, or at the close timeout. */
    private void shutOutput() {
        if (!outputShut.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            abort("its output could not be shut: " + e);
        }
    }

    /** A close is under way: the connection ends within the timeout, answered or not. */
    synchronized void closing() {
        if (closeTimeout != null || !connection.isOpen()) {
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
