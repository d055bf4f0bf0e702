package dev.websocketchat.room;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
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

    private final Executor trimming;
    private final AtomicLong history = new AtomicLong();
    private final LongAdder queued = new LongAdder();
    private final Account historyAccount;
    private final Account queueAccount;
    private volatile Trims trims;

    MemoryBudget(long historyLimit, long queueLimit, Executor trimming) {
        this.trimming = trimming;
        this.historyAccount = new Account(historyLimit, history::get, Trims::history,
                "history of all rooms", "dropped the oldest chats of the largest rooms");
        this.queueAccount = new Account(queueLimit, queued::sum, Trims::queues,
                "frames queued to all connections", "evicted the connections with the most queued");
    }

    /** {@code percent} of a heap of {@code heapBytes} ({@code Runtime.maxMemory()}), split evenly between history and queues. */
    static MemoryBudget ofHeap(long heapBytes, int percent, Executor trimming) {
        long share = heapBytes / 100 * percent / 2;
        return new MemoryBudget(share, share, trimming);
    }

    /** Who trims: set once by the registry, before any room takes anything. */
    void trimWith(Trims registry) {
        this.trims = registry;
    }

    long historyLimit() {
        return historyAccount.limit;
    }

    long queueLimit() {
        return queueAccount.limit;
    }

    /** History taken (positive) or given back (negative), in heap bytes; asks for a trim past the limit. */
    void history(long delta) {
        history.addAndGet(delta);
        historyAccount.check();
    }

    /** Queued bytes taken (positive) or given back (negative); {@link #checkQueues} looks at the total. */
    void queued(long delta) {
        queued.add(delta);
    }

    /** Asks for a trim if the queues together are over their limit: once per broadcast, after it is queued. */
    void checkQueues() {
        queueAccount.check();
    }

    /** Whether a new chat may be taken in: not while the queues together are over their limit. */
    boolean admitsChats() {
        return queued.sum() <= queueAccount.limit;
    }

    long historyBytes() {
        return history.get();
    }

    long queuedBytes() {
        return queued.sum();
    }

    /** How many times the history ({@code true}) or the queues ({@code false}) were over their limit and trimmed. */
    long trims(boolean ofHistory) {
        return (ofHistory ? historyAccount : queueAccount).trims.sum();
    }

    /** One account: its limit, how to read its total, and how the registry trims it; at most one trim asked at a time. */
    private final class Account {
        private final long limit;
        private final LongSupplier total;
        private final BiConsumer<Trims, Long> trim;
        private final String what;
        private final String how;
        private final AtomicBoolean asked = new AtomicBoolean();
        private final LongAdder trims = new LongAdder();

        Account(long limit, LongSupplier total, BiConsumer<Trims, Long> trim, String what, String how) {
            this.limit = limit;
            this.total = total;
            this.trim = trim;
            this.what = what;
            this.how = how;
        }

        /** Hands a trim to the executor if over the limit and none is asked already; a stopping server's executor takes none. */
        void check() {
            if (total.getAsLong() > limit && asked.compareAndSet(false, true)) {
                try {
                    trimming.execute(this::run);
                } catch (RejectedExecutionException stopping) {
                    asked.set(false);
                }
            }
        }

        private void run() {
            asked.set(false);
            long before = total.getAsLong();
            Trims registry = MemoryBudget.this.trims;
            if (before <= limit || registry == null) {
                return;
            }
            trims.increment();
            trim.accept(registry, limit / 100 * TRIM_TO_PERCENT);
            LOG.warning(() -> what + " reached the budget of " + limit + " bytes (CHAT_MEMORY_PERCENT): " + how + ", "
                    + before + " -> " + total.getAsLong() + " bytes");
        }
    }
}
