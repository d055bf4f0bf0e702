package dev.websocketchat.cluster;

import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.room.Audience;
import dev.websocketchat.room.DaemonThreads;
import dev.websocketchat.room.Fanout;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Joins a room to the other instances through Redis (Lettuce): chats are numbered, kept and
 * published by {@link Scripts#PUBLISH_CHAT} and come back on one channel in id order, as
 * {@link ClusterEvent}s, to be delivered to this instance's members; each
 * instance's count lives in Redis with a TTL it refreshes every {@value #HEARTBEAT_MILLIS} ms, and
 * every instance forgets the counts of instances that stopped refreshing theirs.
 *
 * <p>Losing Redis: a dropped connection or the first failed command turns the relay down, with
 * one WARN, and its chats are numbered here and its counts announced here ({@link #chat},
 * {@link #presence}): the room serves its own members alone, and never knows. A dropped connection counts even if Redis
 * is back before the next command: a Redis restarted without its data starts numbering at 1 again,
 * and only a resync moves the numbering past the ids this instance has delivered. Lettuce reconnects by itself,
 * with backoff; the first heartbeat that gets through then {@linkplain #recover recovers}: the
 * shared history is fetched, the chats this instance missed are delivered, the count is
 * corrected, and the relay is up again, with one INFO.
 *
 * <p>Never twice: a chat whose publish failed is numbered and delivered here instead, and its
 * nonce remembered; if Lettuce's retry after the reconnect published it after all, this instance
 * skips it and the others deliver it once (a retried publish of the same nonce is ignored by Redis).
 *
 * <p>Threads: commands are sent without blocking (so {@link #presence} may be called under the
 * room's lock); the channel is read on Lettuce's I/O thread; heartbeats, reaping and recovery run
 * on this fanout's one timer thread. The chats those two threads deliver are ordered by
 * {@link #order}, which is never held while calling into Redis.
 */
public final class RedisFanout implements Fanout {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class.getName());
    /** Lettuce warns on every failed reconnect; unless configured otherwise, only this relay's one WARN per outage shows. */
    private static final Logger RECONNECTS = Logger.getLogger("io.lettuce.core.protocol.ConnectionWatchdog");
    static final long HEARTBEAT_MILLIS = 1000;
    /** How long an instance stays counted without a heartbeat: the others forget it within this plus one heartbeat. */
    static final long ALIVE_MILLIS = 5000;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final int REMEMBERED_NONCES = 10_000;

    private final int history;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final String instance = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final AtomicLong published = new AtomicLong();
    private final Set<String> deliveredHere = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean recovering = new AtomicBoolean();
    private final ScheduledExecutorService timer = DaemonThreads.timer("chat-redis");
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> feed;
    private volatile boolean up;
    private volatile boolean closed;
    private volatile boolean warned;
    private volatile int online;
    private volatile Audience audience;
    /** Orders the chats delivered from the cluster, by the live feed and by a resync. */
    private final Object order = new Object();
    /** The highest id delivered from the cluster; -1 until the first {@link #recover}. Guarded by {@link #order}. */
    private long lastRelayed = -1;
    /** Until the first connection: when to try again, and the next wait (doubling to {@value #LONGEST_CONNECT_WAIT_MILLIS} ms). Timer thread only. */
    private long nextConnectNanos;
    private long connectWaitMillis = HEARTBEAT_MILLIS;
    private static final long LONGEST_CONNECT_WAIT_MILLIS = 5000;

    /**
     * @param url     {@code CHAT_REDIS_URL}
     * @param history how many chats the shared history keeps ({@code CHAT_HISTORY})
     */
    public RedisFanout(String url, int history) {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE); // one logging.properties for all
        if (RECONNECTS.getLevel() == null) {
            RECONNECTS.setLevel(Level.SEVERE);
        }
        this.history = history;
        this.uri = RedisURI.create(url);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed) {
                    lost(new IllegalStateException("a connection to it closed"));
                }
            }
        });
    }

    /**
     * Tries once to connect before returning; if Redis is not there yet, the room starts on its
     * own and joins the cluster when it is.
     */
    @Override
    public void start(Audience room) {
        audience = room;
        if (connect()) {
            recover(); // here, so a server that returns is already in the cluster
        }
        timer.scheduleWithFixedDelay(this::tick, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public int online(int here) {
        return up ? online : here;
    }

    /** The other instances' connections are counted, not named: the history frame lists nobody. */
    @Override
    public boolean listsEveryone() {
        return false;
    }

    @Override
    public boolean degraded() {
        return !up;
    }

    /** Publishes the chat for every instance to number and deliver, this one included; while down, delivers it here. */
    @Override
    public void chat(String name, String text, Instant time) {
        if (!up) {
            audience.deliverNew(name, text, time);
            return;
        }
        String nonce = instance + ":" + published.incrementAndGet();
        try {
            commands.async().eval(Scripts.PUBLISH_CHAT, ScriptOutputType.INTEGER,
                            new String[] {Scripts.SEQUENCE, Scripts.HISTORY, Scripts.NONCE + nonce},
                            Scripts.CHANNEL, Integer.toString(history), nonce,
                            new ClusterEvent.Draft(nonce, name, text, time).encode())
                    .whenComplete((id, failure) -> {
                        if (failure != null) {
                            deliverHere(nonce, name, text, time, failure);
                        }
                    });
        } catch (RuntimeException failure) {
            deliverHere(nonce, name, text, time, failure);
        }
    }

    private void deliverHere(String nonce, String name, String text, Instant time, Throwable failure) {
        if (deliveredHere.size() >= REMEMBERED_NONCES) {
            deliveredHere.clear(); // only retries in flight during one outage can still come back
        }
        deliveredHere.add(nonce);
        lost(failure);
        audience.deliverNew(name, text, time);
    }

    /**
     * While up, publishes this instance's count (Redis announces the change to every instance,
     * with the cluster's count) and returns null; while down, returns the change to announce here.
     * A count reported again is published either way: the first to get through ends an outage.
     */
    @Override
    public ServerEvent presence(int here, ServerEvent change) {
        if (change != null && !up || change instanceof ServerEvent.Rename) {
            return change; // a rename changes no count: announced on this instance only
        }
        publishPresence(here, change);
        return null;
    }

    private void publishPresence(int here, ServerEvent fallback) {
        String name = fallback instanceof ServerEvent.Join join ? join.name()
                : fallback instanceof ServerEvent.Leave leave ? leave.name() : "";
        try {
            commands.async().<Long>eval(Scripts.PRESENCE, ScriptOutputType.INTEGER,
                            new String[] {Scripts.COUNTS, Scripts.ALIVE + instance},
                            Scripts.CHANNEL, instance, Integer.toString(here), Long.toString(ALIVE_MILLIS), "0", name)
                    .whenComplete((total, failure) -> {
                        if (failure == null) {
                            online = total.intValue();
                            answered();
                        } else {
                            presenceFailed(failure, fallback);
                        }
                    });
        } catch (RuntimeException failure) {
            // thrown here, under the room's lock: announce from the timer thread, never while holding it
            timer.execute(() -> presenceFailed(failure, fallback));
        }
    }

    /** Goes down, and announces the join or leave (if any) to this instance's members instead. */
    private void presenceFailed(Throwable failure, ServerEvent fallback) {
        lost(failure);
        if (fallback != null) {
            audience.deliver(fallback);
        }
    }

    /** Every heartbeat: connects if never connected, refreshes this instance's count, forgets dead instances. */
    private void tick() {
        try {
            if (commands == null && !connectInTime()) {
                return;
            }
            audience.recount();
            if (up) {
                commands.async().eval(Scripts.REAP, ScriptOutputType.INTEGER, new String[] {Scripts.COUNTS},
                        Scripts.CHANNEL, Scripts.ALIVE);
            }
        } catch (RuntimeException e) {
            lost(e);
        }
    }

    /** Tries the first connection again, with backoff. */
    private boolean connectInTime() {
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
        StatefulRedisConnection<String, String> connected = null;
        try {
            connected = client.connect();
            StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    receive(message);
                }
            });
            subscriber.sync().subscribe(Scripts.CHANNEL);
            feed = subscriber;
            commands = connected;
            return true;
        } catch (RuntimeException e) {
            if (connected != null) {
                connected.closeAsync();
            }
            lost(e);
            return false;
        }
    }

    /** A command got through: if the relay was down, recover on the timer thread. */
    private void answered() {
        if (!up && feed != null && feed.isOpen() && recovering.compareAndSet(false, true)) {
            timer.execute(this::recover);
        }
    }

    private void recover() {
        try {
            // Lettuce resubscribes after a reconnect, but in the background: subscribe again and wait
            // for Redis to confirm, so every chat published from here on arrives live, and every one
            // before it is in the history fetched next.
            feed.sync().subscribe(Scripts.CHANNEL);
            Resume position = audience.position();
            List<Object> result = commands.sync().eval(Scripts.RESYNC, ScriptOutputType.MULTI,
                    new String[] {Scripts.EPOCH, Scripts.SEQUENCE, Scripts.HISTORY},
                    position.epoch(), Long.toString(position.since()));
            List<Chat> shared = new ArrayList<>();
            for (Object entry : result.subList(1, result.size())) {
                if (ClusterEvent.decode((String) entry) instanceof ClusterEvent.Said said) {
                    shared.add(said.chat());
                }
            }
            resync((String) result.get(0), shared);
            up = true;
            LOG.info(() -> (warned ? "Redis at " + uri.getHost() + ":" + uri.getPort() + " is back: cluster fan-out resumed"
                    : "joined the cluster through Redis at " + uri.getHost() + ":" + uri.getPort()) + " as instance " + instance);
            warned = false;
            audience.recount();
        } catch (RuntimeException e) {
            lost(e);
        } finally {
            recovering.set(false);
        }
    }

    /** Goes down, saying so once per outage. */
    private void lost(Throwable failure) {
        up = false;
        if (!warned) {
            warned = true;
            LOG.warning(() -> "Redis at " + uri.getHost() + ":" + uri.getPort() + " is unreachable (" + failure
                    + "): serving this instance's clients only, and retrying");
        }
    }

    /**
     * Takes the cluster's epoch and shared history (oldest first), and delivers the chats in it
     * that this instance missed while away; none the first time.
     */
    private void resync(String epoch, List<Chat> shared) {
        synchronized (order) {
            audience.adopt(epoch, shared, lastRelayed < 0 ? Long.MAX_VALUE : lastRelayed);
            lastRelayed = Math.max(lastRelayed, shared.isEmpty() ? 0 : shared.get(shared.size() - 1).id());
        }
    }

    /** Delivers a chat the cluster numbered, unless it was already (a resync and the live feed may both bring it). */
    private void relay(Chat chat) {
        synchronized (order) {
            if (chat.id() > lastRelayed) {
                lastRelayed = chat.id();
                audience.deliver(chat);
            }
        }
    }

    private void receive(String message) {
        ClusterEvent event;
        try {
            event = ClusterEvent.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "ignored a message on " + Scripts.CHANNEL + " that no instance writes: " + LogSafe.text(message));
            return;
        }
        if (event instanceof ClusterEvent.Said said) {
            if (!deliveredHere.remove(said.nonce())) {
                relay(said.chat());
            }
        } else if (event instanceof ClusterEvent.Joined joined) {
            online = joined.online();
            audience.deliver(ServerEvent.Join.of(joined.online(), joined.name()));
        } else if (event instanceof ClusterEvent.Left left) {
            online = left.online();
            audience.deliver(ServerEvent.Leave.of(left.online(), left.name()));
        }
    }

    /** Takes this instance's connections out of the cluster's count (others announce their leaves), then disconnects. */
    @Override
    public void close() {
        closed = true;
        up = false;
        timer.shutdownNow();
        StatefulRedisConnection<String, String> connection = commands;
        if (connection != null && connection.isOpen()) {
            try {
                connection.sync().eval(Scripts.PRESENCE, ScriptOutputType.INTEGER,
                        new String[] {Scripts.COUNTS, Scripts.ALIVE + instance},
                        Scripts.CHANNEL, instance, "0", Long.toString(ALIVE_MILLIS), "1", "");
            } catch (RuntimeException e) {
                LOG.log(Level.INFO, e, () -> "could not withdraw this instance's count; the others will forget it within "
                        + (ALIVE_MILLIS + HEARTBEAT_MILLIS) + " ms");
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
