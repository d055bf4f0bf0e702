package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Redis Cluster on loopback: {@value #SHARDS} primaries with a replica each, real
 * {@code redis-server --cluster-enabled yes} processes joined by {@code redis-cli --cluster create},
 * quick to fail over (a node is down after {@value #NODE_TIMEOUT_MILLIS} ms of silence). Each node's
 * cluster bus gets a free port of its own ({@code --cluster-port}), not its port plus 10000.
 */
public final class RedisShards implements AutoCloseable {

    public static final int SHARDS = 3;
    private static final int NODE_TIMEOUT_MILLIS = 1000;
    private static final Duration READY = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private RedisShards(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts six nodes, makes them one cluster, and waits until every node says it is ok and every replica is in sync. */
    public static RedisShards start() throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        for (int i = 0; i < 2 * SHARDS; i++) {
            nodes.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
                    "--cluster-port", Integer.toString(RedisServer.freePort()))));
        }
        RedisShards cluster = new RedisShards(List.copyOf(nodes));
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = Files.createTempFile("redis-cluster-create", ".log");
        Process creating = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(creating.waitFor(30, TimeUnit.SECONDS) && creating.exitValue() == 0)
                .as("redis-cli --cluster create (see " + log + ")").isTrue();
        for (RedisServer node : nodes) {
            await("every node seeing the cluster ok", () -> ask(node, RedisCommands::clusterInfo).contains("cluster_state:ok"));
        }
        for (RedisServer node : nodes) {
            await("every replica in sync", () -> {
                String replication = ask(node, redis -> redis.info("replication"));
                return replication.contains("role:master") || replication.contains("master_link_status:up");
            });
        }
        return cluster;
    }

    /** The URL the instances are given: every node, as a client learns the cluster from any of them. */
    public String url() {
        return "redis-cluster://" + nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** The primary that serves this key (or shard channel) now. */
    public RedisServer primaryOf(String key) {
        int slot = SlotHash.getSlot(key);
        for (RedisServer node : nodes) {
            if (up(node) && isPrimary(node) && servesSlot(node, slot)) {
                return node;
            }
        }
        throw new AssertionError("no primary serves slot " + slot);
    }

    /** Waits until a running node other than {@code dead} serves the key as primary, and the cluster is ok again. */
    public RedisServer awaitFailover(String key, RedisServer dead) throws InterruptedException {
        RedisServer[] promoted = new RedisServer[1];
        await("a replica promoted in place of the dead primary", () -> {
            for (RedisServer node : nodes) {
                if (node != dead && up(node) && isPrimary(node) && servesSlot(node, SlotHash.getSlot(key))
                        && ask(node, RedisCommands::clusterInfo).contains("cluster_state:ok")) {
                    promoted[0] = node;
                    return true;
                }
            }
            return false;
        });
        return promoted[0];
    }

    /** Every node's process id, e.g. to measure their CPU time. */
    public List<Long> pids() {
        return nodes.stream().map(RedisServer::pid).toList();
    }

    /** How many subscribers a shard channel has on a node ({@code PUBSUB SHARDNUMSUB}). */
    public long shardSubscribers(RedisServer node, String channel) {
        return ask(node, redis -> redis.pubsubShardNumsub(channel).getOrDefault(channel, 0L));
    }

    private static boolean up(RedisServer node) {
        return node.running();
    }

    private static boolean isPrimary(RedisServer node) {
        return ask(node, redis -> redis.info("replication")).contains("role:master");
    }

    /** Whether the node, as primary, serves the slot: its own id is the primary's in that slot's range. */
    private static boolean servesSlot(RedisServer node, int slot) {
        return ask(node, redis -> redis.clusterSlots().stream()
                .map(range -> (List<?>) range)
                .anyMatch(range -> ((Number) range.get(0)).intValue() <= slot && slot <= ((Number) range.get(1)).intValue()
                        && redis.clusterMyId().equals(((List<?>) range.get(2)).get(2))));
    }

    private static <T> T ask(RedisServer node, Function<RedisCommands<String, String>, T> question) {
        try (RedisClient client = RedisClient.create(RedisURI.create(node.url()));
             StatefulRedisConnection<String, String> connection = client.connect()) {
            return question.apply(connection.sync());
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Await.until(what, READY, done);
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisServer node : nodes) {
            node.close();
        }
    }
}
