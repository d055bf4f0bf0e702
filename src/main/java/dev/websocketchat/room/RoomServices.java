package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogThrottle;
import dev.websocketchat.protocol.EventCodec;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * What the rooms of one server share, so that a room costs memory, never threads: the settings,
 * the meters, the budgets (connections, the server's memory, each client address's), the log
 * throttle, the codec, and four kinds of threads: a timer (idle sweeps, the closes' timeouts, the
 * registry's clean-up, the budgets' trims and sweeps), a pinger, the closer's, and two that flush
 * what fanouts deliver and what a busy room's senders left for another pass. {@link #shutdown}
 * ends them, once every room is closed.
 */
final class RoomServices {

    /** The logger the throttle's summaries go to once a window is over: the room's, whose lines they stand for. */
    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());

    final ChatConfig config;
    final Meters meters;
    final Clock clock;
    final Capacity capacity;
    final EventCodec codec;
    final ScheduledExecutorService timer = DaemonThreads.timer("chat-timer");
    final MemoryBudget budget;
    final AddressBudgets addresses;
    final LogThrottle logs = new LogThrottle(System::nanoTime);
    final ScheduledExecutorService pinger = DaemonThreads.timer("chat-ping");
    final ExecutorService flushing = DaemonThreads.pool("chat-flush", 2);
    final Closer closer = new Closer(timer, Closer.GRACE_MILLIS, Closer.CLOSE_HANDSHAKE_MILLIS);
    /** The last connection's number, for the logs: unique within the server, whichever room. */
    final AtomicLong lastMemberId = new AtomicLong();

    /** @param heapBytes the heap the memory budget takes its share of: {@code Runtime.maxMemory()} */
    RoomServices(ChatConfig config, Meters meters, Clock clock, long heapBytes) {
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.capacity = new Capacity(config);
        this.codec = new EventCodec(config.maxText());
        this.budget = MemoryBudget.ofHeap(heapBytes, config.memoryPercent(), timer);
        this.addresses = new AddressBudgets(config, System::nanoTime);
        timer.scheduleWithFixedDelay(() -> {
            addresses.sweep();
            logs.sweep(LOG);
        }, LogThrottle.WINDOW_SECONDS, LogThrottle.WINDOW_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops flushing for fanouts; the rooms flush their members themselves as they close. */
    void stopFlushing() {
        flushing.shutdown();
    }

    void shutdown() {
        flushing.shutdown();
        timer.shutdownNow();
        pinger.shutdownNow();
    }
}
