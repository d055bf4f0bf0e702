package dev.websocketchat.room;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link Peer} for room tests. By default every send completes at once, on the calling thread
 * (as Tyrus may do); {@link #hold()} keeps sends pending until the test completes or fails them.
 * It records what it was sent and checks that sends never overlap. One made by
 * {@link #writingFrames()} takes whole frames instead of texts, decodes them, and records how many
 * each write carried; {@link #writingFramesOn} names a {@linkplain Peer#writer writer} as well.
 */
final class FakePeer implements Peer {

    private final boolean framing;
    private final Executor writer;
    /** For a peer writing frames: how many frames each write carried. */
    final List<Integer> writes = Collections.synchronizedList(new ArrayList<>());

    FakePeer() {
        this(false, null);
    }

    private FakePeer(boolean framing, Executor writer) {
        this.framing = framing;
        this.writer = writer;
    }

    static FakePeer writingFrames() {
        return new FakePeer(true, null);
    }

    static FakePeer writingFramesOn(Executor writer) {
        return new FakePeer(true, writer);
    }

    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
    /** Completed by an abort; the fake leaves it to the test whether a close had ended the connection first. */
    final CompletableFuture<Void> aborted = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    /** How many texts had been sent when the close came. */
    final AtomicInteger sentBeforeClose = new AtomicInteger(-1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile boolean holding;
    private Consumer<Throwable> pending;

    void hold() {
        holding = true;
    }

    /** Completes the pending send, and every later one at once. */
    void release() {
        Consumer<Throwable> done;
        synchronized (this) {
            holding = false;
            done = pending;
            pending = null;
        }
        if (done != null) {
            inFlight.decrementAndGet();
            done.accept(null);
        }
    }

    void failPending(Throwable failure) {
        Consumer<Throwable> done;
        synchronized (this) {
            done = pending;
            pending = null;
        }
        inFlight.decrementAndGet();
        done.accept(failure);
    }

    int mostInFlight() {
        return mostInFlight.get();
    }

    /** Texts received that are events of the given type. */
    List<String> sentOfType(String type) {
        synchronized (sent) {
            return sent.stream().filter(text -> text.startsWith("{\"type\":\"" + type + "\"")).toList();
        }
    }

    @Override
    public void send(String text, Consumer<Throwable> done) {
        sent.add(text);
        start(done);
    }

    @Override
    public boolean writesFrames() {
        return framing;
    }

    /**
     * Decodes what a server may write: final, unmasked text frames (RFC 6455 §5.2); each frame's
     * text, as the batch also offers it, must say the same.
     */
    @Override
    public void write(Batch batch, Consumer<Throwable> done) {
        ByteBuffer frames = batch.wire();
        int count = 0;
        while (frames.hasRemaining()) {
            if (frames.get() != (byte) 0x81) {
                throw new AssertionError("not a final text frame at " + (frames.position() - 1));
            }
            long length = frames.get();
            if (length < 0) {
                throw new AssertionError("a masked frame");
            } else if (length == 126) {
                length = frames.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = frames.getLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            frames.get(payload);
            String text = new String(payload, StandardCharsets.UTF_8);
            if (!text.equals(batch.text(count))) {
                throw new AssertionError("frame " + count + " of the batch says different things as bytes and as text");
            }
            sent.add(text);
            count++;
        }
        writes.add(count);
        start(done);
    }

    @Override
    public Executor writer() {
        return writer;
    }

    @Override
    public void ping(Consumer<Throwable> done) {
        pings.incrementAndGet();
        start(done);
    }

    private void start(Consumer<Throwable> done) {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        synchronized (this) {
            if (holding) {
                pending = done;
                return;
            }
        }
        inFlight.decrementAndGet();
        done.accept(null);
    }

    @Override
    public boolean isOpen() {
        return !closedWith.isDone();
    }

    @Override
    public void abort() {
        aborted.complete(null);
    }

    @Override
    public void close(int code, String reason) {
        sentBeforeClose.compareAndSet(-1, sent.size());
        closedWith.complete(code);
    }
}
