package dev.websocketchat.room;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Starts the sends that broadcasts queued, in passes over the members that flush each outbox, one
 * pass at a time. A broadcasting thread that finds no pass running makes one at once, so a lone
 * broadcast is sent on its own thread without delay. Broadcasts made while a pass runs only ask
 * for another, and the passes asked for meanwhile run on the server's flushing pool
 * ({@code chat-flush}, which every room's flusher shares). So under load
 * the frames of several broadcasts wait together in each outbox and leave in one write (for peers
 * that {@linkplain Peer#writesFrames write frames}), and a container's thread never makes more
 * than one pass: the connection it was serving is not kept waiting behind everyone else's writes.
 *
 * <p>A pass flushes whoever is a member when it runs, which includes everyone a broadcast was
 * queued for and still in the room; a member removed meanwhile has had its outbox closed.
 * A flush requested from inside a pass (a failed send evicting its member, say) runs after it.
 *
 * <p>No request is lost: whoever asks sets {@code wanted} and then, unless it made the pass
 * itself, schedules a pass on the pool, which passes until nothing is wanted; whoever ends a
 * pass checks {@code wanted} again after letting go of {@code passing}.
 */
final class Flusher {

    private final Supplier<Member[]> members;
    private final ExecutorService elsewhere;
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicBoolean passing = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param elsewhere runs the passes not made by a caller: the server's flushing pool, which serves every room's flusher */
    Flusher(Supplier<Member[]> members, ExecutorService elsewhere) {
        this.members = members;
        this.elsewhere = elsewhere;
    }

    /** Makes a pass now unless one is running; any pass wanted after that runs on the flushing pool. */
    void flush() {
        wanted.set(true);
        if (passing.compareAndSet(false, true)) {
            try {
                if (wanted.getAndSet(false)) {
                    pass();
                }
            } finally {
                passing.set(false);
            }
        }
        if (wanted.get()) {
            flushElsewhere();
        }
    }

    /**
     * Like {@link #flush}, but every pass runs on the flushing pool; returns at once. For a
     * thread that is the only one broadcasting (a fanout's, delivering what its cluster sends),
     * which would otherwise never find a pass to combine with.
     */
    void flushElsewhere() {
        wanted.set(true);
        if (scheduled.compareAndSet(false, true)) {
            try {
                elsewhere.execute(() -> {
                    scheduled.set(false);
                    passWhileWanted();
                });
            } catch (RejectedExecutionException closing) {
                scheduled.set(false); // shut down: the room flushes everyone itself as it closes
            }
        }
    }

    private void passWhileWanted() {
        while (wanted.get() && passing.compareAndSet(false, true)) {
            try {
                while (wanted.getAndSet(false)) {
                    pass();
                }
            } finally {
                passing.set(false);
            }
        }
    }

    private void pass() {
        for (Member member : members.get()) {
            member.outbox.flush();
        }
    }
}
