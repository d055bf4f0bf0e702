package dev.websocketchat.endpoint;

import dev.websocketchat.room.Batch;
import io.undertow.util.ImmediatePooledByteBuffer;
import io.undertow.websockets.core.StreamSinkFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSocketFrameType;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * is that thread, through one {@link IoThreadWriter} per thread: a room's flush hands over all
 * the connections of one I/O thread at once, and there each batch is taken, written and
 * completed inline (measured in docs/benchmarks.md).
 *
 * <p>Undertow's classes are visible to the WAR only in WildFly, through the {@code Dependencies}
 * its manifest names; only {@link FrameTransport#of} loads this class, and only for an Undertow
 * session.
 */
final class UndertowTransport implements FrameTransport {

    private static final Logger LOG = Logger.getLogger(UndertowTransport.class.getName());

    private final WebSocketChannel channel;
    private final IoThreadWriter writer;

    private UndertowTransport(WebSocketChannel channel) {
        this.channel = channel;
        this.writer = IoThreadWriter.of(channel.getIoThread());
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
     * Runs tasks on one XNIO I/O thread, handing over every task queued since its last hand-over
     * in one: while a hand-over waits or runs, further tasks only join its queue. So a room's
     * flush costs each thread one queued task and one selector wake-up, rather than one per
     * connection, unless the thread empties the queue before the pass has handed it everything
     * (then the next task hands over again). A task given on the thread itself runs at once. Bounded:
     * each outbox has at most one flush waiting ({@code Outbox.flush}), so the queue holds at most
     * one task per connection of the thread. An I/O thread that is shutting down refuses tasks;
     * they then run on the thread that gave them, and Undertow sends their writes through its
     * own fallback.
     */
    private static final class IoThreadWriter implements Executor {

        /** One per I/O thread of the running worker; a restarted worker's dead threads are dropped. */
        private static final ConcurrentHashMap<XnioIoThread, IoThreadWriter> OF_THREAD = new ConcurrentHashMap<>();

        private final XnioIoThread thread;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean handedOver = new AtomicBoolean();
        private final Runnable runAll = this::runAll;

        private IoThreadWriter(XnioIoThread thread) {
            this.thread = thread;
        }

        static IoThreadWriter of(XnioIoThread thread) {
            IoThreadWriter writer = OF_THREAD.get(thread);
            if (writer == null) {
                OF_THREAD.keySet().removeIf(old -> !old.isAlive());
                writer = OF_THREAD.computeIfAbsent(thread, IoThreadWriter::new);
            }
            return writer;
        }

        @Override
        public void execute(Runnable task) {
            if (Thread.currentThread() == thread) {
                task.run();
                return;
            }
            tasks.add(task);
            if (handedOver.compareAndSet(false, true)) {
                try {
                    thread.execute(runAll);
                } catch (RejectedExecutionException shuttingDown) {
                    runAll();
                }
            }
        }

        /** Clears the flag first: a task added after the queue looks empty hands over again. */
        private void runAll() {
            handedOver.set(false);
            for (Runnable task; (task = tasks.poll()) != null; ) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a write on " + thread.getName() + " failed", e);
                }
            }
        }
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
