package dev.websocketchat.standalone;

import dev.websocketchat.room.Batch;
import dev.websocketchat.transport.FrameTransport;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;

/**
 * Frames written straight to the connection's Grizzly write queue, skipping Tyrus's per-message
 * encoding, each write counted against the connection's {@link ConnectionGuard} bound. Tyrus's
 * own frames (pongs, the close frame) go to the same queue through {@link TyrusWriter},
 * which keeps every write whole and in order. The outbox has at most one write outstanding, so
 * this object is the one completion handler, with no allocation per write. The room's close
 * frame goes to the same queue too, ahead of Tyrus's, which the guard then drops.
 */
@SuppressWarnings("rawtypes")
final class TyrusFrameTransport extends EmptyCompletionHandler<WriteResult> implements FrameTransport {

    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final ConnectionGuard guard;
    /** The size of the write in flight; written before {@link #pending}, whose volatile write publishes it. */
    private int pendingBytes;
    private volatile Consumer<Throwable> pending;

    TyrusFrameTransport(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void write(Batch batch, Consumer<Throwable> done) {
        ByteBuffer frames = batch.wire();
        pendingBytes = frames.remaining();
        pending = done;
        if (!guard.write(frames, this)) {
            done.accept(new IllegalStateException("the connection was cut off"));
        }
    }

    /** Written with a handler of its own: the outbox may still have a write in flight. */
    @Override
    public void writeClose(int code, String reason) {
        ByteBuffer frame = closeFrame(code, reason);
        int size = frame.remaining();
        guard.write(frame, new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult written) {
                guard.release(size);
            }

            @Override
            public void failed(Throwable failure) {
                guard.release(size);
            }

            @Override
            public void cancelled() {
                guard.release(size);
            }
        });
    }

    /** A server's close frame: unmasked, the code, then as much of the reason's UTF-8 as fits in 123 bytes whole. */
    static ByteBuffer closeFrame(int code, String reason) {
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer frame = ByteBuffer.allocate(2 + MAX_CONTROL_PAYLOAD);
        frame.put((byte) 0x88).put((byte) 0).putShort((short) code);
        utf8.encode(CharBuffer.wrap(reason), frame, true); // stops before a character that would not fit whole
        frame.put(1, (byte) (frame.position() - 2));
        return frame.flip();
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
