package dev.websocketchat.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The outbound queue of one connection: frames are queued without blocking, then sent one at a
 * time, so a connection that reads slowly only ever delays itself.
 *
 * <p>Batching: for a peer that {@linkplain Peer#writesFrames writes frames}, one send takes
 * every frame queued so far, up to {@value #BATCH_BYTES} bytes, as one {@link Batch}: frames that pile
 * up while a write is in flight leave in the next one, so a busy connection costs one write per
 * batch rather than one per frame. Other peers get one text message per send.
 *
 * <p>Thread-safety: every method may be called from any thread. State is guarded by this
 * object's monitor, which is never held while calling the {@link Peer}. At most one send or ping
 * is outstanding at a time. Completions may arrive on any thread, even inside {@code Peer.send};
 * the drain loop keeps going in that case instead of recursing, so the stack stays flat however
 * many frames are queued.
 *
 * <p>Where sends are made: on the thread that flushes, unless the peer names a
 * {@linkplain Peer#writer writer}; then {@link #flush} hands the flush to that executor, at most
 * one at a time, and the frames are taken off the queue only when it runs. Frames queued while
 * the flush waits go in the same write, and the container's I/O thread makes the write itself
 * rather than being handed one write per batch.
 *
 * <p>Limit: the bytes queued plus the one in flight may not exceed {@code limitBytes}. The
 * {@link #enqueue} that would go over closes the outbox and returns false; the room then evicts
 * the connection as a slow consumer.
 *
 * <p>The server's {@link MemoryBudget} hears of every byte queued and of every byte given back
 * (written, or dropped by a close), so that all outboxes together stay within its queue limit.
 *
 * <p>Ending: {@link #close()} drops what is queued (an evicted connection); {@link #seal()} keeps
 * it and only refuses more (a server shutting down flushes what it had accepted).
 * {@link #whenDrained} runs the close once nothing is left to send.
 *
 * <p>Memory: a queue's array only grows, so a burst (a connect storm queues a join notice per
 * newcomer for everyone) would leave every connection holding its high-water mark while idle,
 * about 1.3 KiB each after 2,000 joins. A queue that held more than {@value #KEPT_FRAMES} frames,
 * which is all a new one has room for, is replaced by a new one once it is empty again. A busy
 * connection pays for that with a new queue per drain that held more: a few small arrays, against
 * the dozens of frames the drain sends.
 */
final class Outbox {

    /** The most bytes one batched write takes, unless a single frame is larger. */
    static final int BATCH_BYTES = 32 * 1024;

    /**
     * How many frames a queue may have held and still be kept, rather than replaced, once empty:
     * as many as a new {@link ArrayDeque} holds before it grows.
     */
    static final int KEPT_FRAMES = 16;

    private final Peer peer;
    private final boolean batching;
    private final long limitBytes;
    private final MemoryBudget budget;
    private final Consumer<Throwable> onFailure;
    private final IntConsumer onDelivered;
    private final Consumer<Throwable> onSent = this::completed;
    private final Executor writer;
    private final Runnable flushHere = this::flushHere;

    private ArrayDeque<Frame> queue = new ArrayDeque<>();
    private boolean queueGrown;
    private long bytes;
    private int inFlightBytes;
    private int inFlightFrames;
    private boolean pingWanted;
    private boolean inFlight;
    private boolean draining;
    private boolean handedOver;
    private boolean closed;
    private boolean sealed;
    private Runnable whenDrained;

    /**
     * @param onFailure called once, on the completing thread, when a send or ping fails
     * @param onDelivered called on the completing thread with the number of frames each send delivered (not for pings)
     */
    Outbox(Peer peer, long limitBytes, MemoryBudget budget, Consumer<Throwable> onFailure, IntConsumer onDelivered) {
        this.peer = peer;
        this.budget = budget;
        this.batching = peer.writesFrames();
        this.writer = peer.writer();
        this.limitBytes = limitBytes;
        this.onFailure = onFailure;
        this.onDelivered = onDelivered;
    }

    /**
     * Queues a frame without sending it; {@link #flush()} sends. Returns false only when this
     * frame would exceed the limit: the outbox is then closed and everything queued is dropped.
     * A frame for an outbox that is already closed or sealed is dropped silently.
     */
    synchronized boolean enqueue(Frame frame) {
        if (closed || sealed) {
            return true;
        }
        if (bytes + frame.bytes() > limitBytes) {
            close();
            return false;
        }
        queue.add(frame);
        queueGrown |= queue.size() > KEPT_FRAMES;
        bytes += frame.bytes();
        budget.queued(frame.bytes());
        return true;
    }

    /** Asks for a ping ahead of the queued frames; {@link #flush()} sends it. */
    synchronized void requestPing() {
        pingWanted = !closed && !sealed;
    }

    /** Keeps what is queued for sending; frames enqueued later are ignored, and so are pings. */
    synchronized void seal() {
        sealed = true;
        pingWanted = false;
    }

    /** Drops everything queued; frames enqueued later are ignored. An in-flight send completes. */
    synchronized void close() {
        closed = true;
        queue.clear();
        releaseIfGrown();
        budget.queued(inFlightBytes - bytes);
        bytes = inFlightBytes;
        pingWanted = false;
    }

    /**
     * Runs the action once nothing is in flight or queued: now, on this thread, if so; otherwise on
     * the thread that completes the last send. For an outbox that is closed (nothing queued) that
     * is after the frame in flight; for a sealed one, after everything it accepted. Used to write a
     * close frame after the frames rather than in the middle of one (which Tomcat answers by
     * dropping the connection). Call it only on a closed or sealed outbox, once.
     */
    void whenDrained(Runnable action) {
        synchronized (this) {
            if (!isDrained()) {
                whenDrained = action;
                return;
            }
        }
        action.run();
    }

    /** Caller holds the monitor. Replaces an empty queue whose array a burst grew. */
    private void releaseIfGrown() {
        if (queueGrown && queue.isEmpty()) {
            queue = new ArrayDeque<>();
            queueGrown = false;
        }
    }

    private boolean isDrained() {
        return !inFlight && (closed || queue.isEmpty());
    }

    /** Bytes queued or in flight. */
    synchronized long queuedBytes() {
        return bytes;
    }

    /**
     * Starts sending what is queued, unless a send is already in flight or another thread is
     * sending; on the peer's {@linkplain Peer#writer writer} if it has one, unless a flush
     * handed to it is still waiting there.
     */
    void flush() {
        if (writer == null) {
            flushHere();
            return;
        }
        synchronized (this) {
            if (handedOver || draining || !canSend()) {
                return;
            }
            handedOver = true;
        }
        writer.execute(flushHere);
    }

    private void flushHere() {
        synchronized (this) {
            handedOver = false;
            if (draining || !canSend()) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /** Runs on the thread that set {@code draining}; sends until the queue is empty or a send is pending. */
    private void drain() {
        while (true) {
            boolean ping;
            List<Frame> taken = new ArrayList<>();
            synchronized (this) {
                if (!canSend()) {
                    draining = false;
                    return;
                }
                inFlight = true;
                ping = pingWanted;
                pingWanted = false;
                inFlightBytes = 0;
                inFlightFrames = 0;
                if (!ping) {
                    do {
                        Frame next = queue.poll();
                        taken.add(next);
                        inFlightBytes += next.bytes();
                        inFlightFrames++;
                    } while (batching && !queue.isEmpty() && inFlightBytes + queue.peek().bytes() <= BATCH_BYTES);
                    releaseIfGrown();
                }
            }
            try {
                if (ping) {
                    peer.ping(onSent);
                } else if (batching) {
                    peer.write(new Batch(taken), onSent);
                } else {
                    peer.send(taken.get(0).text(), onSent);
                }
            } catch (RuntimeException e) {
                completed(e);
            }
        }
    }

    private void completed(Throwable failure) {
        boolean continueHere;
        int frames;
        Runnable drained = null;
        synchronized (this) {
            if (!inFlight) {
                return; // a container reported one send twice; the first report counted
            }
            inFlight = false;
            frames = inFlightFrames;
            bytes -= inFlightBytes;
            budget.queued(-inFlightBytes);
            inFlightBytes = 0;
            inFlightFrames = 0;
            if (failure != null) {
                close();
            }
            if (whenDrained != null && isDrained()) {
                drained = whenDrained;
                whenDrained = null;
            }
            continueHere = failure == null && !draining && canSend();
            if (continueHere) {
                draining = true;
            }
        }
        if (frames > 0 && failure == null) {
            onDelivered.accept(frames);
        }
        if (drained != null) {
            drained.run();
        }
        if (failure != null) {
            onFailure.accept(failure);
        } else if (continueHere) {
            drain();
        }
    }

    private boolean canSend() {
        return !inFlight && !closed && (pingWanted || !queue.isEmpty());
    }
}
