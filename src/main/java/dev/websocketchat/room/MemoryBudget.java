package dev.websocketchat.room;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The whole server's memory budget for what clients make it hold, over every room together: a
 * share of the heap ({@code CHAT_MEMORY_PERCENT} of {@code Runtime.maxMemory()}), half for the
 * rooms' history and half for the frames queued to connections. Per-connection and per-room
 * limits do not see an attacker who spreads over many connections or rooms; this does.
 *
 * <p>Accounting only: rooms and outboxes report what they take and give back, and past a limit
 * the budget asks for a trim on its executor, once at a time, which the registry carries out
 * ({@link Trims}): the oldest history of the largest rooms first, and the connections with the
 * most queued first, until the total is back under {@value #TRIM_TO_PERCENT} % of the limit. Past
 * the queue limit, new chats are also refused until the trim has run ({@link #admitsChats}).
 *
 * <p>Thread-safety: every method may be called from any thread, with any room's lock held; it
 * takes no lock and calls nothing but the executor. Queued bytes change on every frame queued and
 * every write completed, on many threads at once, so they are a {@link LongAdder}, summed once per
 * broadcast rather than once per recipient.
 */
final class MemoryBudget {

    private static final Logger LOG = Logger.getLogger(MemoryBudget.class.getName());
    static final int TRIM_TO_PERCENT = 90;

    /** How the registry brings each account back under its limit. */
    interface Trims {
        /** Drops the oldest history of the largest rooms until at most {@code bytes} remain. */
        void history(long bytes);

        /** Evicts the connections with the most queued until at most {@code bytes} remain queued. */
        void queues(long bytes);
    }

    /** A budget that no real heap reaches: for rooms made on their own, as in unit tests. */
    static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Runnable::run);

    private final long historyLimit;
    private final long queueLimit;
    private final Executor trimming;
    private final AtomicLong history = new AtomicLong();
    private final LongAdder queued = new LongAdder();
    private final AtomicBoolean historyTrimAsked = new AtomicBoolean();
    private final AtomicBoolean queueTrimAsked = new AtomicBoolean();
    private final LongAdder historyTrims = new LongAdder();
    private final LongAdder queueTrims = new LongAdder();
    private volatile Trims trims;

    MemoryBudget(long historyLimit, long queueLimit, Executor trimming) {
        this.historyLimit = historyLimit;
        this.queueLimit = queueLimit;
        this.trimming = trimming;
    }

    /** {@code percent} of the heap this JVM may grow to, split evenly between history and queues. */
    static MemoryBudget ofHeap(int percent, Executor trimming) {
        long share = Runtime.getRuntime().maxMemory() / 100 * percent / 2;
        return new MemoryBudget(share, share, trimming);
    }

    /** Who trims: set once by the registry, before any room takes anything. */
    void trimWith(Trims registry) {
        this.trims = registry;
    }

    long historyLimit() {
        return historyLimit;
    }

    long queueLimit() {
        return queueLimit;
    }

    /** History taken (positive) or given back (negative), in heap bytes; asks for a trim past the limit. */
    void history(long delta) {
        if (history.addAndGet(delta) > historyLimit && historyTrimAsked.compareAndSet(false, true)) {
            ask(this::trimHistory, historyTrimAsked);
        }
    }

    /** Queued bytes taken (positive) or given back (negative); {@link #checkQueues} looks at the total. */
    void queued(long delta) {
        queued.add(delta);
    }

    /** Asks for a trim if the queues together are over their limit: once per broadcast, after it is queued. */
    void checkQueues() {
        if (queued.sum() > queueLimit && queueTrimAsked.compareAndSet(false, true)) {
            ask(this::trimQueues, queueTrimAsked);
        }
    }

    /** Hands the trim to the executor; one that is shutting down (the server is stopping) takes none, and nothing is owed. */
    private void ask(Runnable trim, AtomicBoolean asked) {
        try {
            trimming.execute(trim);
        } catch (RejectedExecutionException stopping) {
            asked.set(false);
        }
    }

    /** Whether a new chat may be taken in: not while the queues together are over their limit. */
    boolean admitsChats() {
        return queued.sum() <= queueLimit;
    }

    long historyBytes() {
        return history.get();
    }

    long queuedBytes() {
        return queued.sum();
    }

    /** How many times the history ({@code true}) or the queues ({@code false}) were over their limit and trimmed. */
    long trims(boolean ofHistory) {
        return ofHistory ? historyTrims.sum() : queueTrims.sum();
    }

    private void trimHistory() {
        historyTrimAsked.set(false);
        long before = history.get();
        Trims registry = trims;
        if (before <= historyLimit || registry == null) {
            return;
        }
        historyTrims.increment();
        registry.history(historyLimit / 100 * TRIM_TO_PERCENT);
        LOG.warning(() -> "history of all rooms reached its budget of " + historyLimit + " bytes (CHAT_MEMORY_PERCENT):"
                + " dropped the oldest chats of the largest rooms, " + before + " -> " + history.get() + " bytes");
    }

    private void trimQueues() {
        queueTrimAsked.set(false);
        long before = queued.sum();
        Trims registry = trims;
        if (before <= queueLimit || registry == null) {
            return;
        }
        queueTrims.increment();
        registry.queues(queueLimit / 100 * TRIM_TO_PERCENT);
        LOG.warning(() -> "frames queued to all connections reached their budget of " + queueLimit + " bytes"
                + " (CHAT_MEMORY_PERCENT): evicted the connections with the most queued, " + before + " -> "
                + queued.sum() + " bytes");
    }
}
