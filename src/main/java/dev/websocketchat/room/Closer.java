package dev.websocketchat.room;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Closes connections off the delivery path. A close may block (Tomcat writes the close frame
 * with a blocking send), so it runs on a few threads of its own, never on a thread that is
 * delivering to other connections. It waits for the frame in flight, if any, to be written
 * first, so the peer can read the close code (Tyrus would queue the close frame behind it anyway;
 * Tomcat would drop the connection instead), but for at most {@value #GRACE_SECONDS} s, for a
 * peer that has stopped reading.
 */
final class Closer {

    private static final Logger LOG = Logger.getLogger(Closer.class.getName());
    private static final int GRACE_SECONDS = 5;

    private final ScheduledExecutorService timer;
    private final ExecutorService threads = DaemonThreads.pool("chat-closer", 4);

    /** @param timer schedules the grace-period fallback; shared with the room's other timed work */
    Closer(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    void close(Member member, int code, String reason) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable close = () -> {
            if (once.compareAndSet(false, true)) {
                try {
                    threads.execute(() -> member.peer.close(code, reason));
                } catch (RejectedExecutionException shut) {
                    LOG.fine(() -> "not closing " + member + " with " + code + ": the room is shut");
                }
            }
        };
        member.outbox.whenIdle(close);
        if (!once.get()) {
            try {
                timer.schedule(close, GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (RejectedExecutionException timerShut) {
                close.run();
            }
        }
    }

    /** Runs the closes already asked for, waiting up to the given time; refuses new ones. */
    void shutdown(long seconds) {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(seconds, TimeUnit.SECONDS)) {
                LOG.warning("some connections did not close within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
