package dev.websocketchat.bench;

import dev.websocketchat.bench.PerformanceBenchmark.Load;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What rooms cost: the same 1,000 connections to one standalone server, all in one room, then
 * spread over 100 rooms of 10; and, for a room of the same size alone, 10 connections in one room. For each: the fan-out (one sender per room, or
 * {@link PerformanceBenchmark}'s 10 in the one room, 100 chats each, closed loop; one sender in the room of 10 alone), per delivery;
 * then, the server warm, the CPU it spends per join while 1,000 more connect into as many new
 * rooms of the same size (a join is announced to its room only, so per join notice delivered too).
 * Each chat has a fixed cost besides its deliveries (reading, decoding, numbering it), which a room
 * of 10 shares among 10: the room of 10 alone is what 100 rooms of 10 must match for rooms to cost nothing. Rooms cost nothing if the CPU per delivery and per notice stay the
 * same. Server on core 0, load generator on core 1. Run with
 * {@code ./mvnw -Pbench verify -Dbench.main=RoomsBenchmark} ({@code -Dbench.rounds=N}, default 3).
 */
public final class RoomsBenchmark {

    private record Setup(String name, int clients, int rooms, int senders) {
        int roomSize() {
            return clients / rooms;
        }
    }

    private record Result(double joinMicros, double noticeMicros, Load fanOut, long violations) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        PerformanceBenchmark.pin(ProcessHandle.current().pid(), "1");
        List<Setup> setups = List.of(new Setup("1 room of 1000", 1000, 1, 10), new Setup("100 rooms of 10", 1000, 100, 100),
                new Setup("1 room of 10", 10, 1, 1));
        Map<Setup, List<Result>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Setup setup : setups) {
                Result result = measure(setup);
                results.computeIfAbsent(setup, s -> new ArrayList<>()).add(result);
                System.out.printf("round %d, %s: %s%n", round, setup.name(), result);
            }
        }
        System.out.printf("%nRooms, medians of %d rounds, one standalone server:%n", rounds);
        System.out.printf("%-18s %14s %16s %14s %14s %10s %10s%n", "", "µs per join", "µs per notice", "deliveries/s",
                "µs/delivery", "p99 ms", "violations");
        for (Setup setup : setups) {
            List<Result> runs = results.get(setup);
            System.out.printf("%-18s %14.1f %16.2f %14.0f %14.2f %10.1f %10d%n", setup.name(), median(runs, Result::joinMicros),
                    median(runs, Result::noticeMicros), median(runs, r -> r.fanOut().deliveriesPerSecond()),
                    median(runs, r -> r.fanOut().serverMicrosPerDelivery()), median(runs, r -> r.fanOut().latency().p99()),
                    runs.stream().mapToLong(Result::violations).sum());
        }
    }

    private static Result measure(Setup setup) throws Exception {
        Map<String, String> settings = Map.of("chat.rate.limit", "0", "chat.max.connections", "20000",
                "chat.max.connections.per.address", "0", "chat.history", "0");
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-Xms1g"));
        String extra = System.getProperty("bench.serverJvm", ""); // e.g. a JFR recording, to profile
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        try (ServerProcess server = ServerProcess.start("bench-rooms-" + setup.rooms(), List.of("taskset", "-c", "0"), jvm, settings);
             LoadGenerator load = new LoadGenerator(new InetSocketAddress("127.0.0.1", server.application().getPort()), "/chat")) {
            load.spreadOver(setup.rooms() == 1 ? 0 : setup.rooms(), "r"); // one room: the lobby
            List<LoadGenerator.Client> clients = load.connect(setup.clients(), 100, 120);
            PerformanceBenchmark.awaitCount(load, clients, setup.roomSize(), 120);
            PerformanceBenchmark.fanOut(load, List.of(server.pid()), setup.senders(), setup.roomSize()); // warm-up
            Load fanOut = PerformanceBenchmark.fanOut(load, List.of(server.pid()), setup.senders(), setup.roomSize());
            // Joins, measured once the server is warm: as many again, into as many new rooms of the same size.
            load.spreadOver(setup.rooms(), "j");
            long cpuBefore = ServerProcess.cpuMicros(server.pid());
            List<LoadGenerator.Client> joiners = load.connect(setup.clients(), 100, 120);
            PerformanceBenchmark.awaitCount(load, joiners, setup.roomSize(), 120);
            double joinCpu = ServerProcess.cpuMicros(server.pid()) - cpuBefore;
            long size = setup.roomSize();
            double notices = setup.rooms() * (size * (size + 1) / 2.0); // the k-th to join a room is announced to k
            return new Result(joinCpu / setup.clients(), joinCpu / notices, fanOut, load.violations());
        }
    }

    private static double median(List<Result> runs, ToDoubleFunction<Result> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private RoomsBenchmark() {
    }
}
