package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.EventCodec;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the rooms of one server share, so that a room costs memory, never threads: the settings,
 * the meters, the limits on connections, the codec, and four kinds of threads: a timer (idle
 * sweeps, the closes' timeouts, the registry's clean-up), a pinger, the closer's, and two that
 * flush what fanouts deliver and what a busy room's senders left for another pass. {@link #shutdown} ends them, once every room is closed.
 */
final class RoomServices {

    final ChatConfig config;
    final Meters meters;
    final Clock clock;
    final Capacity capacity;
    final EventCodec codec;
    final ScheduledExecutorService timer = DaemonThreads.timer("chat-timer");
    final ScheduledExecutorService pinger = DaemonThreads.timer("chat-ping");
    final ExecutorService flushing = DaemonThreads.pool("chat-flush", 2);
    final Closer closer = new Closer(timer);
    /** The last connection's number, for the logs: unique within the server, whichever room. */
    final AtomicLong lastMemberId = new AtomicLong();

    RoomServices(ChatConfig config, Meters meters, Clock clock) {
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.capacity = new Capacity(config);
        this.codec = new EventCodec(config.maxText());
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
