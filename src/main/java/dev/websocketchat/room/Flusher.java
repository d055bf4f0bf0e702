package dev.websocketchat.room;

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
 */
final class Flusher {

    private final Supplier<Member[]> members;
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicBoolean passing = new AtomicBoolean();

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
}
