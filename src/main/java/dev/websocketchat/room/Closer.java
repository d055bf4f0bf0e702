package dev.websocketchat.room;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Closes connections off the delivery path. A close may block (Tomcat writes the close frame
 * with a blocking send), so it runs on a few threads of its own, never on a thread that is
 * delivering to other connections. It waits for the member's outbox to drain first
 * ({@link Outbox#whenDrained}), so the peer can read the close code after the frames it was owed
 * (Tyrus would queue the close frame behind a frame in flight anyway; Tomcat would drop the
 * connection instead), but only for a grace period, for a peer that has stopped reading. A close
 * frame left unanswered for {@link #CLOSE_HANDSHAKE_MILLIS} more ends in an
 * {@linkplain Peer#abort abort}, so an evicted peer that stopped reading cannot keep its socket.
 */
final class Closer {

    private static final Logger LOG = Logger.getLogger(Closer.class.getName());
    /** How long an evicted member's outbox may take to drain before its close goes out anyway. */
    static final long GRACE_MILLIS = TimeUnit.SECONDS.toMillis(5);
    /** How long a close frame may go unanswered before the connection is {@linkplain Peer#abort aborted}. */
    static final long CLOSE_HANDSHAKE_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final ScheduledExecutorService timer;
    private final ExecutorService threads = DaemonThreads.pool("chat-closer", 4);
    private final long graceMillis;
    private final long closeHandshakeMillis;

    /**
     * @param timer                schedules the grace-period fallback; shared with the room's other timed work
     * @param graceMillis          how long an outbox may take to drain ({@link #GRACE_MILLIS} in a server)
     * @param closeHandshakeMillis how long a close may go unanswered ({@link #CLOSE_HANDSHAKE_MILLIS} in a server)
     */
    Closer(ScheduledExecutorService timer, long graceMillis, long closeHandshakeMillis) {
        this.timer = timer;
        this.graceMillis = graceMillis;
        this.closeHandshakeMillis = closeHandshakeMillis;
    }

    /** Closes an evicted member after the frame in flight (or, for a kick or ban, its sealed outbox drained), or after the grace period at most. */
    void close(Member member, int code, String reason) {
        closeWhenDrained(member, code, reason, graceMillis, () -> { });
    }

    /**
     * Shutdown: closes every member (their outboxes sealed) once it has been sent what it was
     * owed, or after {@code graceMillis} regardless, then waits for the close frames to be written,
     * a second longer at most. Refuses closes afterwards.
     */
    void closeAll(Member[] members, int code, String reason, long graceMillis) {
        CountDownLatch written = new CountDownLatch(members.length);
        for (Member member : members) {
            closeWhenDrained(member, code, reason, graceMillis, written::countDown);
        }
        try {
            if (!written.await(graceMillis + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> written.getCount() + " connections were not closed within " + (graceMillis + 1000) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdown();
    }

    private void closeWhenDrained(Member member, int code, String reason, long graceMillis, Runnable done) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable close = () -> {
            if (once.compareAndSet(false, true)) {
                member.outbox.close(); // a peer past its grace gets nothing more after the close frame
                execute(member, code, reason, done);
            }
        };
        member.outbox.whenDrained(close);
        if (!once.get()) {
            try {
                timer.schedule(close, graceMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException timerShut) {
                close.run();
            }
        }
    }

    /** Once the server is stopping, the container ends what is left itself. */
    private void abortUnlessEnded(Member member) {
        try {
            timer.schedule(member.peer::abort, closeHandshakeMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.fine(() -> "not watching the close of " + member + ": the room is shut");
        }
    }

    private void execute(Member member, int code, String reason, Runnable done) {
        try {
            threads.execute(() -> {
                abortUnlessEnded(member); // from now: a container's close may itself block on a peer that does not read
                try {
                    member.peer.close(code, reason);
                } finally {
                    done.run();
                }
            });
        } catch (RejectedExecutionException shut) {
            LOG.fine(() -> "not closing " + member + " with " + code + ": the room is shut");
            done.run();
        }
    }
}
