package dev.websocketchat.room;

import java.util.List;

/**
 * What {@link Audience#deliver} queued, whose sends the caller starts with exactly one of its two
 * methods once it holds no lock of its own: {@link #here} on the calling thread, or
 * {@link #elsewhere} on the server's flushing pool. Either way, the members whose queue it
 * overflowed are evicted as slow consumers after that.
 */
public final class Queued {

    private final Members members;
    private final List<Member> overflowed;

    Queued(Members members, List<Member> overflowed) {
        this.members = members;
        this.overflowed = overflowed;
    }

    /**
     * Starts the sends on this thread unless a pass is running ({@link Flusher#flush}): the
     * sender's, for a chat numbered here, which may find other chats to send with it.
     */
    public void here() {
        members.sendQueued(overflowed);
    }

    /** Starts the sends on the flushing pool, so that a fanout's own thread goes straight back to its cluster. */
    public void elsewhere() {
        members.sendElsewhere(overflowed);
    }
}
