package dev.websocketchat.standalone;

import dev.websocketchat.endpoint.FrameTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Frames written straight to the connection's Tyrus transport {@link Writer} (Grizzly's, here,
 * bounded by the connection's {@link ConnectionGuard}), skipping Tyrus's per-message encoding.
 * Tyrus writes its own frames (pongs, the close frame) through the same writer, which keeps every
 * write whole and in order. The outbox has at most one write outstanding, so this object is the
 * one completion handler, with no allocation per write.
 */
final class TyrusFrameTransport extends CompletionHandler<ByteBuffer> implements FrameTransport {

    private final Writer writer;
    private final ConnectionGuard guard;
    private volatile Consumer<Throwable> pending;

    TyrusFrameTransport(Writer writer, ConnectionGuard guard) {
        this.writer = writer;
        this.guard = guard;
    }

    @Override
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        pending = done;
        writer.write(frames, this);
    }

    @Override
    public void watch(Watcher watcher) {
        guard.watch(watcher);
    }

    @Override
    public void completed(ByteBuffer written) {
        pending.accept(null);
    }

    @Override
    public void failed(Throwable failure) {
        pending.accept(failure);
    }

    @Override
    public void cancelled() {
        pending.accept(new CancellationException("the write was cancelled"));
    }
}
