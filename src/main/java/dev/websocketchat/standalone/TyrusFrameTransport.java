package dev.websocketchat.standalone;

import dev.websocketchat.endpoint.FrameTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;

/**
 * Frames written straight to the connection's Grizzly write queue, skipping Tyrus's per-message
 * encoding, each write counted against the connection's {@link ConnectionGuard} bound. Tyrus's
 * own frames (pongs, the close frame) go to the same queue through {@link TyrusWriter},
 * which keeps every write whole and in order. The outbox has at most one write outstanding, so
 * this object is the one completion handler, with no allocation per write.
 */
@SuppressWarnings("rawtypes")
final class TyrusFrameTransport extends EmptyCompletionHandler<WriteResult> implements FrameTransport {

    private final ConnectionGuard guard;
    /** The size of the write in flight; written before {@link #pending}, whose volatile write publishes it. */
    private int pendingBytes;
    private volatile Consumer<Throwable> pending;

    TyrusFrameTransport(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        pendingBytes = frames.remaining();
        pending = done;
        if (!guard.write(frames, this)) {
            done.accept(new IllegalStateException("the connection was cut off"));
        }
    }

    @Override
    public void watch(Watcher watcher) {
        guard.watch(watcher);
    }

    @Override
    public void completed(WriteResult written) {
        finished(null);
    }

    @Override
    public void failed(Throwable failure) {
        finished(failure);
    }

    @Override
    public void cancelled() {
        finished(new CancellationException("the write was cancelled"));
    }

    private void finished(Throwable failure) {
        Consumer<Throwable> done = pending;
        guard.release(pendingBytes);
        done.accept(failure);
    }
}
