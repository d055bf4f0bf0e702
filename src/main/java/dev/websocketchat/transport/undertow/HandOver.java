package dev.websocketchat.transport.undertow;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks on one thread, handing over every task queued since its last hand-over in one:
 * while a hand-over waits or runs, further tasks only join its queue. So a room's flush costs the
 * thread one queued task (and, for an XNIO I/O thread, one selector wake-up) rather than one per
 * connection, unless the thread empties the queue before the flush has handed it everything
 * (then the next task hands over again). A task given on the thread itself runs at once.
 *
 * <p>Bounded by its callers: each outbox has at most one flush waiting ({@code Outbox.flush}), so
 * the queue holds at most one task per connection of the thread. A thread that refuses the
 * hand-over (an I/O thread shutting down) leaves the tasks to the thread that gave them, which
 * runs them at once. A task that throws is logged, and the ones after it still run.
 */
final class HandOver implements Executor {

    private static final Logger LOG = Logger.getLogger(HandOver.class.getName());

    private final Thread thread;
    private final Executor onThread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private final Runnable runAll = this::runAll;

    /**
     * @param thread the thread the tasks run on
     * @param onThread runs a task on that thread, or throws {@link RejectedExecutionException}
     */
    HandOver(Thread thread, Executor onThread) {
        this.thread = thread;
        this.onThread = onThread;
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
            return;
        }
        tasks.add(task);
        if (handedOver.compareAndSet(false, true)) {
            try {
                onThread.execute(runAll);
            } catch (RejectedExecutionException refused) {
                runAll();
            }
        }
    }

    /** Clears the flag first: a task added after the queue looks empty hands over again. */
    private void runAll() {
        handedOver.set(false);
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a task handed to " + thread.getName() + " failed", e);
            }
        }
    }
}
