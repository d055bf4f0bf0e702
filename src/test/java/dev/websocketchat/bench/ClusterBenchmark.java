package dev.websocketchat.bench;

import dev.websocketchat.bench.PerformanceBenchmark.Load;
import dev.websocketchat.support.RedisServer;
import dev.websocketchat.support.RedisShards;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What cluster mode costs: {@link PerformanceBenchmark}'s fan-out workload (1000 clients, 10
 * senders × 100 chats, closed loop) against one instance on its own, one instance through Redis,
 * and two instances through Redis with the clients spread over both; then the same 1000 clients
 * in 100 rooms of 10 (one sender × 100 chats per room, each room with clients on both
 * instances), through one Redis and through a Redis Cluster of three primaries with a replica
 * each: what a room costs should not grow with the shards. The one Redis has a replica too, as a
 * deployment that cares to survive it would, so both pay for replication. Servers and Redis share
 * core 0, the load generator has core 1, so this measures overhead, not added capacity; server
 * CPU includes every Redis process's, replicas too. Run with
 * {@code ./mvnw -Pbench verify -Dbench.main=ClusterBenchmark} ({@code -Dbench.only=NAME} runs one setup).
 */
public final class ClusterBenchmark {

    private static final int CLIENTS = 1000;

    private enum Via { NOTHING, ONE_REDIS, REDIS_CLUSTER }

    /** @param rooms 0 for everyone in the lobby, with 10 senders; else that many rooms, with one sender each */
    private record Setup(String name, int instances, Via via, int rooms) {
    }

    private record Result(Load fanOut, long violations) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        PerformanceBenchmark.pin(ProcessHandle.current().pid(), "1");
        String only = System.getProperty("bench.only", "");
        List<Setup> setups = Stream.of(new Setup("1 instance, no Redis", 1, Via.NOTHING, 0),
                new Setup("1 instance via Redis", 1, Via.ONE_REDIS, 0), new Setup("2 instances via Redis", 2, Via.ONE_REDIS, 0),
                new Setup("2 inst., 100 rooms, Redis", 2, Via.ONE_REDIS, 100),
                new Setup("2 inst., 100 rooms, 3 shards", 2, Via.REDIS_CLUSTER, 100))
                .filter(setup -> only.isBlank() || setup.name().equals(only)).toList();
        Map<Setup, List<Result>> results = new HashMap<>();
        try (RedisServer redis = RedisServer.start();
             RedisServer replica = RedisServer.start(List.of("--replicaof", "127.0.0.1", Integer.toString(redis.port())));
             RedisShards shards = RedisShards.start()) {
            PerformanceBenchmark.pin(redis.pid(), "0");
            PerformanceBenchmark.pin(replica.pid(), "0");
            for (long pid : shards.pids()) {
                PerformanceBenchmark.pin(pid, "0");
            }
            for (int round = 1; round <= rounds; round++) {
                for (Setup setup : setups) {
                    Result result = measure(setup, List.of(redis, replica), shards);
                    results.computeIfAbsent(setup, s -> new ArrayList<>()).add(result);
                    System.out.printf("round %d, %s: %s%n", round, setup.name(), result);
                }
            }
        }
        System.out.printf("%nFan-out, medians of %d rounds (server CPU includes Redis's):%n", rounds);
        System.out.printf("%-28s %14s %14s %10s %10s %10s%n", "", "deliveries/s", "server µs/del", "p50 ms", "p99 ms", "violations");
        double single = 0;
        for (Setup setup : setups) {
            List<Result> runs = results.get(setup);
            double rate = median(runs, r -> r.fanOut().deliveriesPerSecond());
            single = single == 0 ? rate : single;
            System.out.printf("%-28s %14.0f %14.2f %10.1f %10.1f %10d   (%.2f× the first setup's rate)%n", setup.name(), rate,
                    median(runs, r -> r.fanOut().serverMicrosPerDelivery()), median(runs, r -> r.fanOut().latency().p50()),
                    median(runs, r -> r.fanOut().latency().p99()), runs.stream().mapToLong(Result::violations).sum(), rate / single);
        }
    }

    /** @param redis the one Redis and its replica */
    private static Result measure(Setup setup, List<RedisServer> redis, RedisShards shards) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("chat.rate.limit", "0", "chat.max.connections", "20000", "chat.max.connections.per.address", "0", "chat.history", "0"));
        settings.putAll(Map.of("chat.address.handshakes", "0", "chat.address.bytes", "0", "chat.max.sockets.per.address", "0"));
        settings.put("chat.address.rooms", "0");
        if (setup.via() != Via.NOTHING) {
            settings.put("chat.redis.url", setup.via() == Via.ONE_REDIS ? redis.get(0).url() : shards.url());
        }
        List<ServerProcess> servers = new ArrayList<>();
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < setup.instances(); i++) {
                ServerProcess server = ServerProcess.start("bench-cluster-" + i, List.of("taskset", "-c", "0"),
                        List.of("-Xmx1g", "-Xms1g"), settings);
                servers.add(server);
                addresses.add(new InetSocketAddress("127.0.0.1", server.application().getPort()));
                pids.add(server.pid());
            }
            if (setup.via() == Via.ONE_REDIS) {
                redis.forEach(server -> pids.add(server.pid()));
            } else if (setup.via() == Via.REDIS_CLUSTER) {
                pids.addAll(shards.pids());
            }
            try (LoadGenerator load = new LoadGenerator(addresses, "/chat")) {
                load.spreadOver(setup.rooms(), "r");
                List<LoadGenerator.Client> clients = load.connect(CLIENTS, 100, 120);
                int roomSize = setup.rooms() == 0 ? CLIENTS : CLIENTS / setup.rooms();
                int senders = setup.rooms() == 0 ? PerformanceBenchmark.SENDERS : setup.rooms();
                PerformanceBenchmark.awaitCount(load, clients, roomSize, 120);
                PerformanceBenchmark.fanOut(load, pids, senders, roomSize); // warm-up
                Load fanOut = PerformanceBenchmark.fanOut(load, pids, senders, roomSize);
                return new Result(fanOut, load.violations());
            }
        } finally {
            for (ServerProcess server : servers) {
                server.close();
            }
        }
    }

    private static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private ClusterBenchmark() {
    }
}
