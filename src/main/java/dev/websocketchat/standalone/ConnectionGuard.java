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
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * What bounds one upgraded connection of the standalone server, below Tyrus:
 *
 * <ul>
 *   <li><b>Bytes waiting to be written.</b> Tyrus's Grizzly writer keeps every write it cannot
 *       start yet in a queue of its own with no limit (Grizzly's own queue stops taking writes at
 *       four socket buffers, so the rest wait in Tyrus's), and answers every ping with a pong
 *       there. Every write to the connection counts the bytes handed over and not yet written:
 *       Tyrus's own (pongs, its close frame) through {@link #bounded}, the room's frames through
 *       {@link #reserve}; a write that would take them past {@code maxPendingBytes} cuts the
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
    private static final byte CLOSE_FRAME_START = (byte) 0x88; // FIN and opcode 8, as Tyrus writes it

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
     * Counts bytes about to be handed to the writer; past the bound, cuts the connection off
     * instead and returns false. Every {@code reserve} that returns true is matched by one
     * {@link #release} when the write completes, fails or is cancelled.
     */
    boolean reserve(int size) {
        if (pendingBytes.addAndGet(size) <= maxPendingBytes) {
            return true;
        }
        pendingBytes.addAndGet(-size);
        cutOff("more than " + maxPendingBytes + " bytes were waiting to be written to it");
        return false;
    }

    void release(int size) {
        pendingBytes.addAndGet(-size);
    }

    /**
     * Tyrus's writer for this connection, for Tyrus's own frames (pongs, the close frame), each
     * counted against the bound. The room's frames go through {@link TyrusFrameTransport}, which
     * reserves and releases itself, without a handler per write.
     */
    Writer bounded(Writer writer) {
        return new Writer() {
            @Override
            public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
                int size = buffer.remaining();
                if (!reserve(size)) {
                    if (handler != null) {
                        handler.failed(new IllegalStateException("the connection was cut off"));
                    }
                    return;
                }
                if (size > 0 && buffer.get(buffer.position()) == CLOSE_FRAME_START) {
                    closing();
                }
                writer.write(buffer, new CompletionHandler<>() {
                    @Override
                    public void completed(ByteBuffer written) {
                        release(size);
                        if (handler != null) {
                            handler.completed(written);
                        }
                    }

                    @Override
                    public void failed(Throwable failure) {
                        release(size);
                        if (handler != null) {
                            handler.failed(failure);
                        }
                    }

                    @Override
                    public void cancelled() {
                        release(size);
                        if (handler != null) {
                            handler.cancelled();
                        }
                    }
                });
            }

            @Override
            public void close() throws java.io.IOException {
                writer.close();
            }
        };
    }

    /** A close frame is on its way: the connection ends within the timeout, answered or not. */
    private void closing() {
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
