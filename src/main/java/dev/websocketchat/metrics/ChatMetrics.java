package dev.websocketchat.metrics;

import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the room has done, for {@code GET /metrics} in the Prometheus text format, with the JVM's
 * memory, threads and CPU beside it. One registry per server, for all its rooms, so two servers
 * in one JVM (as in the tests) never mix their numbers.
 *
 * <p>Thread-safe. Every tag value comes from a fixed set (leave causes, rejection reasons), never
 * from client input, so the number of series is bounded.
 */
public final class ChatMetrics implements Meters {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter joins = Counter.builder("chat.joins").description("connections admitted").register(registry);
    private final Counter chats = Counter.builder("chat.chats.received").description("chats accepted and broadcast").register(registry);
    private final Counter repeats = Counter.builder("chat.chats.repeated")
            .description("chats not delivered again: a resend of one whose cid was delivered before").register(registry);
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter deliveries = Counter.builder("chat.deliveries").description("frames written to connections").register(registry);
    private final Counter writingFrames = connectionsThat("frames");
    private final Counter sendingMessages = connectionsThat("messages");
    /** Filled in the constructor and only read after, so plain maps are safe to share. */
    private final Map<LeaveCause, Counter> leaves = new EnumMap<>(LeaveCause.class);
    private final Map<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);
    private final Timer broadcast = Timer.builder("chat.broadcast")
            .description("from receiving a chat to handing it to every connection's send queue")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);

    public ChatMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("chat.sessions.open", sessions, AtomicInteger::get)
                .description("WebSocket sessions the container has opened and not yet closed, admitted or not").register(registry);
        for (LeaveCause cause : LeaveCause.values()) {
            leaves.put(cause, Counter.builder("chat.leaves").tag("cause", tag(cause)).description("connections that ended")
                    .register(registry));
        }
        for (Rejection reason : Rejection.values()) {
            rejections.put(reason, Counter.builder("chat.rejected").tag("reason", tag(reason))
                    .description("inputs and connections refused").register(registry));
        }
    }

    @Override
    public void watch(IntSupplier connections, LongSupplier queuedBytes, IntSupplier rooms) {
        Gauge.builder("chat.connections", connections::getAsInt).description("connections admitted and open").register(registry);
        Gauge.builder("chat.rooms", rooms::getAsInt).description("rooms open, the lobby included").register(registry);
        Gauge.builder("chat.queue.bytes", queuedBytes::getAsLong).baseUnit("bytes")
                .description("bytes queued or in flight to all connections").register(registry);
    }

    @Override
    public void watchBudgets(LongSupplier historyBytes, long historyLimit, long queueLimit, LongSupplier historyTrims,
                             LongSupplier queueTrims, IntSupplier addresses) {
        Gauge.builder("chat.history.bytes", historyBytes::getAsLong).baseUnit("bytes")
                .description("heap bytes the history of all rooms holds").register(registry);
        Gauge.builder("chat.budget", () -> historyLimit).tag("account", "history").baseUnit("bytes")
                .description("the server's memory budget for each account (CHAT_MEMORY_PERCENT)").register(registry);
        Gauge.builder("chat.budget", () -> queueLimit).tag("account", "queues").baseUnit("bytes")
                .description("the server's memory budget for each account (CHAT_MEMORY_PERCENT)").register(registry);
        FunctionCounter.builder("chat.budget.trims", historyTrims, LongSupplier::getAsLong).tag("account", "history")
                .description("times an account passed its budget and was trimmed").register(registry);
        FunctionCounter.builder("chat.budget.trims", queueTrims, LongSupplier::getAsLong).tag("account", "queues")
                .description("times an account passed its budget and was trimmed").register(registry);
        Gauge.builder("chat.addresses.tracked", addresses::getAsInt)
                .description("client addresses whose budgets are tracked").register(registry);
    }

    @Override
    public void watchAwaitingProof(IntSupplier awaiting) {
        Gauge.builder("chat.connections.awaiting.proof", awaiting::getAsInt)
                .description("connections waiting to prove who they are, in no room yet (CHAT_AUTH)").register(registry);
    }

    /** The container opened a session: called first thing in {@code @OnOpen}. */
    @Override
    public void sessionOpened() {
        sessions.incrementAndGet();
    }

    /** The container closed a session: called in {@code @OnClose}, which every container calls once per opened session. */
    @Override
    public void sessionClosed() {
        sessions.decrementAndGet();
    }

    /** By how their frames leave: encoded once and batched through the container's transport, or one message at a time through the API. */
    private Counter connectionsThat(String writes) {
        return Counter.builder("chat.connections.opened").tag("writes", writes)
                .description("connections opened, by how their frames are written").register(registry);
    }

    @Override
    public void joined() {
        joins.increment();
    }

    @Override
    public void connected(boolean writesFrames) {
        (writesFrames ? writingFrames : sendingMessages).increment();
    }

    @Override
    public void left(LeaveCause cause, int connections) {
        leaves.get(cause).increment(connections);
    }

    @Override
    public void chatReceived(long startedNanos) {
        chats.increment();
        broadcast.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void repeated() {
        repeats.increment();
    }

    @Override
    public void watchHeld(IntSupplier held) {
        Gauge.builder("chat.cluster.held", held::getAsInt)
                .description("chats said here waiting for Redis to number them (CHAT_REDIS_HOLD)").register(registry);
    }

    @Override
    public void delivered(int frames) {
        deliveries.increment(frames);
    }

    /**
     * Adds {@code chat_sockets_open}: the TCP connections the server has open now, which include
     * any an evicted client has not let go of yet; for a server that can see its sockets.
     */
    public void countSockets(Supplier<Number> open) {
        Gauge.builder("chat.sockets.open", open).description("TCP connections open now").register(registry);
    }

    @Override
    public void rejected(Rejection reason) {
        rejections.get(reason).increment();
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
