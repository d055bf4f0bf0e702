package dev.websocketchat.transport.undertow;

import dev.websocketchat.room.Batch;
import dev.websocketchat.transport.FrameTransport;
import io.undertow.util.ImmediatePooledByteBuffer;
import io.undertow.websockets.core.StreamSinkFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSocketFrameType;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xnio.ChannelListeners;
import org.xnio.XnioIoThread;

/**
 * Undertow's WebSocket channel (WildFly), past the API: a batch of frames goes to the
 * connection's channel as one outgoing frame of Undertow's own kind with no header of its own
 * ({@link Frames}), which carries the encoded frames whole. Undertow queues and writes it like any
 * frame: in order with the others, its pings and pongs between batches, nothing after its close
 * frame. The API's {@code sendText} instead encodes and frames each text message for this one
 * connection, and writes it on its own.
 *
 * <p>Undertow makes every write of a connection on its XNIO I/O thread: a frame queued on any
 * other thread is handed over as a task, with the selector woken if the thread was waiting in
 * it, and the write's completion comes back as another task. So this transport's {@link #writer}
 * is that thread, through one {@link HandOver} per thread: a room's flush hands over all
 * the connections of one I/O thread at once, and there each batch is taken, written and
 * completed inline (measured in docs/benchmarks.md).
 *
 * <p>Undertow's classes are visible to the WAR only in WildFly, through the {@code Dependencies}
 * its manifest names; only {@link FrameTransport#of} loads this class, and only for an Undertow
 * session.
 */
final class UndertowTransport implements FrameTransport {

    private static final Logger LOG = Logger.getLogger(UndertowTransport.class.getName());
    /**
     * One per XNIO I/O thread of the running worker; a restarted worker's dead threads are
     * dropped. An I/O thread that is shutting down refuses the hand-over: the flushes then run on
     * the thread that gave them, and Undertow sends their writes through its own fallback.
     */
    private static final ConcurrentHashMap<XnioIoThread, HandOver> WRITERS = new ConcurrentHashMap<>();

    private final WebSocketChannel channel;
    private final HandOver writer;

    private UndertowTransport(WebSocketChannel channel) {
        this.channel = channel;
        this.writer = writerOf(channel.getIoThread());
    }

    private static HandOver writerOf(XnioIoThread thread) {
        HandOver writer = WRITERS.get(thread);
        if (writer == null) {
            WRITERS.keySet().removeIf(old -> !old.isAlive());
            writer = WRITERS.computeIfAbsent(thread, io -> new HandOver(io, io));
        }
        return writer;
    }

    /** The transport for an Undertow session; null if its channel is not where this build looks. */
    static FrameTransport of(Session session) {
        try {
            return session.getClass().getMethod("getWebSocketChannel").invoke(session) instanceof WebSocketChannel channel
                    ? new UndertowTransport(channel) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "session " + session.getId() + " sends through the API");
            return null;
        }
    }

    /** Queues the batch and reports once Undertow has written it all, or could not. */
    @Override
    public void write(Batch batch, Consumer<Throwable> done) {
        if (channel.isCloseFrameSent() || channel.isCloseFrameReceived()) {
            done.accept(new ClosedChannelException());
            return;
        }
        Frames frames = new Frames(channel);
        try {
            if (!frames.send(new ImmediatePooledByteBuffer(batch.wire()))) {
                throw new IOException("Undertow did not take the frames");
            }
            frames.shutdownWrites();
            if (frames.flush()) {
                done.accept(null);
                return;
            }
            frames.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                    flushed -> done.accept(null), (failed, failure) -> done.accept(failure)));
            frames.resumeWrites();
        } catch (IOException | RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public Executor writer() {
        return writer;
    }

    /**
     * Frames already encoded, as one frame of Undertow's: with no header of its own (the default
     * when a sink channel makes none), typed as text so that Undertow orders it as a data frame.
     */
    private static final class Frames extends StreamSinkFrameChannel {
        Frames(WebSocketChannel channel) {
            super(channel, WebSocketFrameType.TEXT);
        }
    }
}
