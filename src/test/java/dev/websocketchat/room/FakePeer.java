package dev.websocketchat.room;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link Peer} for room tests. By default every send completes at once, on the calling thread
 * (as Tyrus may do); {@link #hold()} keeps sends pending until the test completes or fails them.
 * It records what it was sent and checks that sends never overlap.
 */
final class FakePeer implements Peer {

    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
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
    public void close(int code, String reason) {
        sentBeforeClose.compareAndSet(-1, sent.size());
        closedWith.complete(code);
    }
}
