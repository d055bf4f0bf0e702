package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Redis as high availability runs it, on loopback: a primary, a replica of it, and a Sentinel
 * watching them under the name {@value #PRIMARY}, quick to act (the primary is down after
 * {@value #DOWN_AFTER_MILLIS} ms of silence). Real {@code redis-server} processes, the Sentinel
 * one in {@code --sentinel} mode.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String PRIMARY = "mymaster";
    private static final int DOWN_AFTER_MILLIS = 1000;
    private static final Duration READY = Duration.ofSeconds(30);

    private final RedisServer primary;
    private final RedisServer replica;
    private final RedisServer sentinel;

    private RedisSentinels(RedisServer primary, RedisServer replica, RedisServer sentinel) {
        this.primary = primary;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    /** Starts all three and waits until the replica is in sync and the Sentinel knows it. */
    public static RedisSentinels start() throws IOException, InterruptedException {
        RedisServer primary = RedisServer.start();
        RedisServer replica = RedisServer.start(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
        Path config = Files.createTempDirectory("sentinel").resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "sentinel monitor " + PRIMARY + " 127.0.0.1 " + primary.port() + " 1",
                "sentinel down-after-milliseconds " + PRIMARY + " " + DOWN_AFTER_MILLIS,
                "sentinel failover-timeout " + PRIMARY + " 5000",
                "sentinel parallel-syncs " + PRIMARY + " 1", ""));
        RedisServer sentinel = RedisServer.start(List.of(config.toString(), "--sentinel"));
        RedisSentinels sentinels = new RedisSentinels(primary, replica, sentinel);
        sentinels.await("the replica in sync", () -> sentinels.info(replica, "replication").contains("master_link_status:up"));
        sentinels.await("the Sentinel knowing the replica", () -> sentinels.knownReplicas() == 1);
        return sentinels;
    }

    /** The URL the instances are given: the Sentinel, and the name of the primary it watches. */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + PRIMARY;
    }

    public RedisServer primary() {
        return primary;
    }

    public RedisServer replica() {
        return replica;
    }

    /** Waits until the Sentinel names the replica as the primary: the failover is done. */
    public void awaitFailover() throws InterruptedException {
        await("the Sentinel promoting the replica", () -> primaryPort() == replica.port());
    }

    private int primaryPort() {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
             StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
            SocketAddress address = connection.sync().getMasterAddrByName(PRIMARY);
            return ((java.net.InetSocketAddress) address).getPort();
        }
    }

    private long knownReplicas() {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
             StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
            return connection.sync().replicas(PRIMARY).size();
        }
    }

    private String info(RedisServer server, String section) {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
             StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().info(section);
        }
    }

    private void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        boolean reached = false;
        while (!reached && System.nanoTime() < deadline) {
            try {
                reached = done.getAsBoolean();
            } catch (RuntimeException notYet) {
                reached = false;
            }
            if (!reached) {
                Thread.sleep(100);
            }
        }
        assertThat(reached).as(what + " within " + READY).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        sentinel.close();
        replica.close();
        primary.close();
    }
}
