package dev.websocketchat.standalone;

import dev.websocketchat.endpoint.FrameTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Frames written straight to the connection's Tyrus transport {@link Writer} (Grizzly's, here),
 * skipping Tyrus's per-message encoding, each write counted against the connection's
 * {@link ConnectionGuard} bound.
 * Tyrus writes its own frames (pongs, the close frame) through the same writer, which keeps every
 * write whole and in order. The outbox has at most one write outstanding, so this object is the
 * one completion handler, with no allocation per write.
 */
final class TyrusFrameTransport extends CompletionHandler<ByteBuffer> implements FrameTransport {

    private final Writer writer;
    private final ConnectionGuard guard;
    /** The size of the write in flight; written before {@link #pending}, whose volatile write publishes it. */
    private int pendingBytes;
    private volatile Consumer<Throwable> pending;

    TyrusFrameTransport(Writer writer, ConnectionGuard guard) {
        this.writer = writer;
        this.guard = guard;
    }

    @Override
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        int size = frames.remaining();
        if (!guard.reserve(size)) {
            done.accept(new IllegalStateException("the connection was cut off"));
            return;
        }
        pendingBytes = size;
        pending = done;
        writer.write(frames, this);
    }

    @Override
    public void watch(Watcher watcher) {
        guard.watch(watcher);
    }

    @Override
    public void completed(ByteBuffer written) {
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
