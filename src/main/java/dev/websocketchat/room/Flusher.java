package dev.websocketchat.room;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Starts the sends that broadcasts queued, combining concurrent requests: one thread at a time
 * passes over the members, flushing each outbox, and a broadcast made meanwhile only asks for
 * another pass, which the passing thread makes before it leaves. So under load the frames of
 * several broadcasts wait together in each outbox and leave in one write (for peers that
 * {@linkplain Peer#writesFrames write frames}), while a lone broadcast is flushed at once, on its
 * own thread, as before.
 *
 * <p>A pass flushes whoever is a member when it runs, which includes everyone a broadcast was
 * queued for and still in the room; a member removed meanwhile has had its outbox closed.
 * Re-entrant: a flush requested from inside a pass (a failed send evicting its member, say) is
 * left to that pass.
 *
 * <p>A thread that is the only one broadcasting (the cluster relay's, delivering what Redis
 * sends) would never find a pass to combine with; it asks with {@link #flushElsewhere}, so the
 * passes run on this flusher's own thread while it goes back to queueing.
 */
final class Flusher {

    private final Supplier<Member[]> members;
    private final ExecutorService elsewhere = DaemonThreads.pool("chat-flush", 1);
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicBoolean passing = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Flusher(Supplier<Member[]> members) {
        this.members = members;
    }

    void flush() {
        wanted.set(true);
        // Whoever finds no pass running makes passes until none is wanted. Checking wanted again
        // after letting go of passing closes the gap where a request came just before that.
        while (wanted.get() && passing.compareAndSet(false, true)) {
            try {
                while (wanted.getAndSet(false)) {
                    for (Member member : members.get()) {
                        member.outbox.flush();
                    }
                }
            } finally {
                passing.set(false);
            }
        }
    }

    /** Like {@link #flush}, but any pass runs on the flusher's own thread; returns at once. */
    void flushElsewhere() {
        wanted.set(true);
        if (scheduled.compareAndSet(false, true)) {
            try {
                elsewhere.execute(() -> {
                    scheduled.set(false);
                    flush();
                });
            } catch (RejectedExecutionException closing) {
                scheduled.set(false); // shut down: the room flushes everyone itself as it closes
            }
        }
    }

    /** Ends the flusher's own thread; later {@link #flushElsewhere} calls do nothing. */
    void shutdown() {
        elsewhere.shutdown();
    }
}
