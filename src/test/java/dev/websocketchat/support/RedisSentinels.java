package dev.websocketchat.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Redis as high availability runs it, on loopback: a primary, a replica of it, and three
 * Sentinels watching them under the name {@value #PRIMARY}, two of which must agree that the
 * primary is down, quick to act (down after {@value #DOWN_AFTER_MILLIS} ms of silence). Real
 * {@code redis-server} processes, the Sentinels in {@code --sentinel} mode. The primary and the
 * replica ask for the password {@value #PASSWORD}, as a production Redis does; the Sentinels do not.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String PRIMARY = "mymaster";
    public static final String PASSWORD = "sentinel-test-secret";
    private static final int DOWN_AFTER_MILLIS = 1000;
    private static final Duration READY = Duration.ofSeconds(30);

    private final RedisServer primary;
    private final RedisServer replica;
    private final List<RedisServer> sentinels;

    private RedisSentinels(RedisServer primary, RedisServer replica, List<RedisServer> sentinels) {
        this.primary = primary;
        this.replica = replica;
        this.sentinels = sentinels;
    }

    /** Starts all three and waits until the replica is in sync and the Sentinel knows it. */
    public static RedisSentinels start() throws IOException, InterruptedException {
        List<String> secured = List.of("--requirepass", PASSWORD, "--masterauth", PASSWORD);
        RedisServer primary = RedisServer.start(secured);
        List<String> replicaOf = new ArrayList<>(secured);
        replicaOf.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
        RedisServer replica = RedisServer.start(replicaOf);
        List<RedisServer> watching = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path config = Files.createTempDirectory("sentinel").resolve("sentinel.conf"); // each rewrites its own
            Files.writeString(config, String.join("\n",
                    "sentinel monitor " + PRIMARY + " 127.0.0.1 " + primary.port() + " 2",
                    "sentinel auth-pass " + PRIMARY + " " + PASSWORD,
                    "sentinel down-after-milliseconds " + PRIMARY + " " + DOWN_AFTER_MILLIS,
                    "sentinel failover-timeout " + PRIMARY + " 5000",
                    "sentinel parallel-syncs " + PRIMARY + " 1", ""));
            watching.add(RedisServer.start(List.of(config.toString(), "--sentinel")));
        }
        RedisSentinels all = new RedisSentinels(primary, replica, List.copyOf(watching));
        all.await("the replica in sync", () -> all.info(replica, "replication").contains("master_link_status:up"));
        for (RedisServer sentinel : all.sentinels) {
            all.await("each Sentinel knowing the replica and the other two",
                    () -> all.knownReplicas(sentinel) == 1 && all.otherSentinels(sentinel) == 2);
        }
        return all;
    }

    /** The URL the instances are given: the primary's password, the three Sentinels, and the name of the primary they watch. */
    public String url() {
        return "redis-sentinel://:" + PASSWORD + "@" + sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port())
                .collect(Collectors.joining(",")) + "#" + PRIMARY;
    }

    public RedisServer primary() {
        return primary;
    }

    public RedisServer replica() {
        return replica;
    }

    /** Waits until every Sentinel names the replica as the primary: the failover is done. */
    public void awaitFailover() throws InterruptedException {
        for (RedisServer sentinel : sentinels) {
            await("the Sentinels promoting the replica", () -> primaryPort(sentinel) == replica.port());
        }
    }

    private int primaryPort(RedisServer sentinel) {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
             StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
            SocketAddress address = connection.sync().getMasterAddrByName(PRIMARY);
            return ((InetSocketAddress) address).getPort();
        }
    }

    private long knownReplicas(RedisServer sentinel) {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
             StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
            return connection.sync().replicas(PRIMARY).size();
        }
    }

    private long otherSentinels(RedisServer sentinel) {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
             StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
            return connection.sync().dispatch(CommandType.SENTINEL, new ArrayOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("SENTINELS").add(PRIMARY)).size();
        }
    }

    private String info(RedisServer server, String section) {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://:" + PASSWORD + "@127.0.0.1:" + server.port()));
             StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().info(section);
        }
    }

    private void await(String what, BooleanSupplier done) throws InterruptedException {
        Await.until(what, READY, done);
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisServer sentinel : sentinels) {
            sentinel.close();
        }
        replica.close();
        primary.close();
    }
}
