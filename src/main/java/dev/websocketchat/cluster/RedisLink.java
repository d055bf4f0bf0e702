package dev.websocketchat.cluster;

import dev.websocketchat.log.LogSafe;
import dev.websocketchat.room.DaemonThreads;
import dev.websocketchat.room.Fanout;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One instance's way into the cluster: the {@link Redis} (one primary, or a Redis Cluster) that
 * the {@link RedisFanout}s of all its rooms share, its heartbeat, and whether the cluster can be
 * reached. Every {@value #HEARTBEAT_MILLIS} ms, each room that is up says in {@code beat.lua} that
 * this instance is alive there for {@value #ALIVE_MILLIS} ms, and forgets every instance of the
 * room that stopped saying so: per room, so that each shard of a Redis Cluster judges its own.
 *
 * <p>Losing Redis: a dropped connection or the first failed command turns the link down, with
 * one WARN; every room announces joins and leaves to its own members alone, and holds its chats
 * until Redis is back, {@value #HELD_CHATS} at most on the whole instance (see {@link ChatPublisher}). A dropped
 * connection counts even if Redis is back before the next command: a Redis restarted without its
 * data has forgotten every room. Lettuce reconnects by itself, with backoff; the first heartbeat
 * that gets through then {@linkplain #recover recovers} every room, and the link is up again,
 * with one INFO.
 *
 * <p>Threads: commands are sent without blocking, in the order they are sent (so a room may send
 * with its lock held); the channels are read on one Lettuce I/O thread, in the order Redis
 * published to them; heartbeats and recovery run on the link's one timer thread.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());
    /**
     * Lettuce warns on every failed reconnect, every node a Redis Cluster's topology refresh cannot
     * reach, and every connection closed twice as the client shuts down (a cluster's node
     * connections are); unless configured otherwise, only the link's one WARN per outage shows.
     * Held here, as a logger's level lasts only while someone holds the logger.
     */
    private static final List<Logger> QUIETED = Stream.of("io.lettuce.core.protocol.ConnectionWatchdog",
            "io.lettuce.core.cluster.topology.DefaultClusterTopologyRefresh", "io.lettuce.core.RedisChannelHandler")
            .map(Logger::getLogger).toList();
    static final long HEARTBEAT_MILLIS = 1000;
    /** How long an instance stays in the cluster without a heartbeat: the others forget it within this plus one heartbeat. */
    static final long ALIVE_MILLIS = 5000;
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How many chats may wait for Redis on this instance while it cannot be reached; more are
     * refused to their senders. At the longest text allowed, a few megabytes of heap.
     */
    static final int HELD_CHATS = 2000;
    private static final long LONGEST_CONNECT_WAIT_MILLIS = 5000;
    /**
     * How long a newcomer's join may take to come back before the link counts it lost: a command's
     * timeout and three heartbeats, so that a connect storm's backlog on the channel is not taken
     * for an outage (3,000 joins at once on two instances came back well within it).
     */
    private static final long JOIN_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(COMMAND_TIMEOUT.toMillis() + 3 * HEARTBEAT_MILLIS);

    final int history;
    /** How long Redis keeps a room's state once no instance has it open, in seconds: {@code CHAT_ROOM_IDLE_SECONDS}. */
    final long abandonedRoomSeconds;
    final String instance = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    /** The heartbeat's thread, which rooms also hand what they must not do on a container's or Lettuce's thread. */
    final ScheduledExecutorService timer = DaemonThreads.timer("chat-redis");
    final Scripts scripts;
    private final ClientResources resources;
    private final Redis redis;
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong chats = new AtomicLong();
    /** The open rooms' fanouts, by channel. */
    private final ConcurrentHashMap<String, RedisFanout> rooms = new ConcurrentHashMap<>();
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** Chats accepted by this instance's rooms that Redis has not answered for yet, in flight or waiting. */
    private final AtomicInteger held = new AtomicInteger();
    /** Whether the hold was full in this outage, which is logged once. */
    private volatile boolean warnedFull;
    /**
     * Rooms' withdrawals on closing, which {@link #close} waits for; each removes itself once
     * answered or timed out (the command timeout), so at most one per room closing within it.
     */
    private final Set<RedisFuture<?>> withdrawing = ConcurrentHashMap.newKeySet();
    private volatile boolean up;
    private volatile boolean closed;
    private volatile boolean warned;
    /** Whether the first room tried to connect; guarded by this. */
    private boolean triedToConnect;
    /** Until the first connection: when to try again, and the next wait; guarded by this. */
    private long nextConnectNanos;
    private long connectWaitMillis = HEARTBEAT_MILLIS;

    /**
     * @param url                  {@code CHAT_REDIS_URL}
     * @param history              how many chats each room's shared history keeps ({@code CHAT_HISTORY})
     * @param abandonedRoomSeconds how long Redis keeps a room's state once no instance has it open,
     *                             the lobby's excepted ({@code CHAT_ROOM_IDLE_SECONDS})
     */
    public RedisLink(String url, int history, long abandonedRoomSeconds) {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE); // one logging.properties for all
        QUIETED.stream().filter(logger -> logger.getLevel() == null).forEach(logger -> logger.setLevel(Level.SEVERE));
        this.history = history;
        this.abandonedRoomSeconds = abandonedRoomSeconds;
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.redis = Redis.of(url, resources, failure -> {
            if (!closed) {
                lost(failure);
            }
        });
        this.scripts = new Scripts(redis.publish());
        timer.scheduleWithFixedDelay(this::tick, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The fanout of a room as it opens: {@link dev.websocketchat.room.Rooms#shared} calls this. */
    public Fanout fanout(String room) {
        return new RedisFanout(this, room);
    }

    /**
     * A room opened: it hears its channel from now on, and is recovered at once if the cluster is
     * reachable. The first room tries once to connect, so a server that starts with Redis there
     * is in the cluster before its first client.
     */
    void join(RedisFanout room) {
        rooms.put(room.channel, room);
        if (!redis.connected()) {
            synchronized (this) {
                if (!triedToConnect) {
                    triedToConnect = true;
                    if (connect()) {
                        recover();
                    }
                }
            }
        } else if (up) {
            try {
                room.recover();
            } catch (RuntimeException e) {
                lost(e);
            }
        }
    }

    /** A room closed: it withdraws (see {@link RedisFanout#close}) and is heard no more. */
    void leave(RedisFanout room) {
        rooms.remove(room.channel, room);
        if (redis.connected()) {
            redis.unsubscribe(room.channel);
        }
    }

    /** Commands sent without blocking; throws while there has never been a connection. */
    RedisClusterAsyncCommands<String, String> async() {
        requireConnected();
        return redis.async();
    }

    /** Commands that wait for Redis's answer, up to {@link #COMMAND_TIMEOUT}; throws while there has never been a connection. */
    RedisClusterCommands<String, String> sync() {
        requireConnected();
        return redis.sync();
    }

    private void requireConnected() {
        if (!redis.connected()) {
            throw new IllegalStateException("not connected yet");
        }
    }

    /** Subscribes to a room's channel and waits until Redis confirms it, so every message published from now on arrives. */
    void subscribe(String channel) {
        redis.subscribe(channel);
    }

    /** A room closing took this instance out of it: {@link #close} waits for that. */
    void withdrawing(RedisFuture<?> withdrawal) {
        withdrawing.add(withdrawal);
        withdrawal.whenComplete((answer, failure) -> withdrawing.remove(withdrawal));
    }

    /** The next op number: increasing for this instance, so Redis can ignore a change Lettuce sends twice. */
    long nextOp() {
        return ops.incrementAndGet();
    }

    /** A nonce no other chat of the cluster has: this instance's id and its count of chats. */
    String nextNonce() {
        return instance + ":" + chats.incrementAndGet();
    }

    /**
     * Counts one more chat that Redis has not answered for: always while chats flow ({@code always}),
     * else only while fewer than {@value #HELD_CHATS} wait. Whether it is counted.
     */
    boolean hold(boolean always) {
        if (always) {
            held.incrementAndGet();
            return true;
        }
        int now = held.get();
        while (now < HELD_CHATS) {
            if (held.compareAndSet(now, now + 1)) {
                return true;
            }
            now = held.get();
        }
        if (!warnedFull) {
            warnedFull = true;
            LOG.warning(() -> HELD_CHATS + " chats wait for Redis at " + where() + ": refusing new ones until it is back");
        }
        return false;
    }

    /** Redis answered for that many chats, or their room closed. */
    void release(int chats) {
        held.addAndGet(-chats);
    }

    /** Chats accepted here that Redis has not answered for: the {@code chat_cluster_held} gauge. */
    int held() {
        return held.get();
    }

    /** Runs a task on the link's timer thread, unless the link is closed. */
    void later(Runnable task) {
        try {
            timer.execute(task);
        } catch (RejectedExecutionException closing) {
            // closed: the rooms are closing too
        }
    }

    /**
     * Every heartbeat: connects if never connected, asks Redis whether it is there (a {@code PING},
     * which starts a recovery if the link was down), and beats in every room that is up.
     */
    private void tick() {
        try {
            if (!redis.connected() && !connectInTime()) {
                return;
            }
            long now = System.nanoTime();
            rooms.values().forEach(room -> room.checkJoins(now, JOIN_TIMEOUT_NANOS));
            redis.async().ping().whenComplete((pong, failure) -> {
                if (failure == null) {
                    answered();
                } else {
                    lost(failure);
                }
            });
            rooms.values().forEach(RedisFanout::beat);
        } catch (RuntimeException e) {
            lost(e);
        }
    }

    /** Tries the first connection again, with backoff doubling to {@value #LONGEST_CONNECT_WAIT_MILLIS} ms. */
    private synchronized boolean connectInTime() {
        if (System.nanoTime() < nextConnectNanos) {
            return false;
        }
        if (connect()) {
            return true;
        }
        nextConnectNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectWaitMillis);
        connectWaitMillis = Math.min(2 * connectWaitMillis, LONGEST_CONNECT_WAIT_MILLIS);
        return false;
    }

    /** The first connection; after it, Lettuce reconnects by itself. */
    private boolean connect() {
        try {
            redis.connect(this::receive);
            return true;
        } catch (RuntimeException e) {
            lost(e);
            return false;
        }
    }

    /** A command got through: if the link was down, recover on the timer thread. */
    private void answered() {
        if (!up && recovering.compareAndSet(false, true)) {
            later(this::recover);
        }
    }

    /**
     * Recovers every room ({@link RedisFanout#recover}), then is up. A room that opened meanwhile
     * either sees the link up as it joins or is recovered here, after the link is up.
     */
    private void recover() {
        try {
            for (RedisFanout room : rooms.values()) {
                room.recover();
            }
            up = true;
            for (RedisFanout room : rooms.values()) {
                if (room.degraded()) {
                    room.recover();
                }
            }
            LOG.info(() -> (warned ? "Redis at " + where() + " is back: cluster fan-out resumed"
                    : "joined the cluster through Redis at " + where()) + " as instance " + instance);
            warned = false;
            warnedFull = false;
        } catch (RuntimeException e) {
            lost(e);
        } finally {
            recovering.set(false);
        }
    }

    /** Goes down, saying so once per outage, and has every room serve its own members alone. Takes no lock. */
    void lost(Throwable failure) {
        up = false;
        rooms.values().forEach(RedisFanout::down);
        if (!warned) {
            warned = true;
            LOG.warning(() -> "Redis at " + where() + " is unreachable (" + failure + "): holding chats said here until it is back, and retrying");
        }
    }

    private void receive(String channel, String message) {
        ClusterEvent event;
        try {
            event = ClusterEvent.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "ignored a message on " + LogSafe.text(channel) + " that no instance writes: " + LogSafe.text(message));
            return;
        }
        RedisFanout room = rooms.get(channel);
        if (room != null) {
            room.receive(event);
        }
    }

    /** Where Redis is, for the log: its address, its Sentinels' or its nodes'; never the password. */
    private String where() {
        return redis.where();
    }

    /**
     * Waits, up to a command's timeout, until Redis has answered the withdrawals of the rooms
     * that closed (each sent its own leaves, without waiting), then disconnects. An instance that
     * could not withdraw is forgotten by the others' heartbeats.
     */
    @Override
    public void close() {
        closed = true;
        up = false;
        timer.shutdownNow();
        RedisFuture<?>[] pending = withdrawing.toArray(RedisFuture[]::new);
        if (pending.length > 0 && !LettuceFutures.awaitAll(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, pending)) {
            LOG.info(() -> "could not withdraw this instance from every room; the others will forget it within "
                    + (ALIVE_MILLIS + HEARTBEAT_MILLIS) + " ms");
        }
        redis.shutdown();
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
