package dev.websocketchat.bench;

import dev.websocketchat.bench.PerformanceBenchmark.Load;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * What rooms cost: the same 1,000 connections to one standalone server, all in one room, then
 * spread over 100 rooms of 10; and, for a room of the same size alone, 10 connections in one room.
 * For each, once the server has made {@value #WARM_UP_DELIVERIES} deliveries to warm up: the fan-out
 * (closed loop; 10 senders × 100 chats in the one room, one sender × 100 per room of the hundred,
 * one sender × 10,000 in the room of 10 alone), per delivery; then the CPU it spends per join while
 * 1,000 more connect into as many new rooms of the same size (a join is announced to its room only,
 * so per join notice delivered too; the room of 10 alone has too few joins to time).
 * Each chat has a fixed cost besides its deliveries (reading, decoding, numbering it), which a room
 * of 10 shares among 10: the room of 10 alone is what 100 rooms of 10 must match for rooms to cost
 * nothing. Server on core 0, load generator on core 1. Run with
 * {@code ./mvnw -Pbench verify -Dbench.main=RoomsBenchmark} ({@code -Dbench.rounds=N}, default 3;
 * {@code -Dbench.only="100 rooms of 10"} runs one setup).
 */
public final class RoomsBenchmark {

    /** @param perSender chats each sender sends in the measured fan-out: enough for 100,000 deliveries or more */
    private record Setup(String name, int clients, int rooms, int senders, int perSender) {
        int roomSize() {
            return clients / rooms;
        }

        long deliveries() {
            return (long) senders * perSender * roomSize();
        }
    }

    private record Result(double joinMicros, double noticeMicros, Load fanOut, long violations) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        PerformanceBenchmark.pin(ProcessHandle.current().pid(), "1");
        String only = System.getProperty("bench.only", ""); // one setup's name, to profile it alone
        List<Setup> setups = Stream.of(new Setup("1 room of 1000", 1000, 1, 10, 100), new Setup("100 rooms of 10", 1000, 100, 100, 100),
                new Setup("1 room of 10", 10, 1, 1, 10_000)).filter(setup -> only.isBlank() || setup.name().equals(only)).toList();
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
                "chat.max.connections.per.address", "0", "chat.history", "0", "chat.address.handshakes", "0",
                "chat.address.bytes", "0", "chat.address.rooms", "0", "chat.max.sockets.per.address", "0");
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
            warmUp(load, server, setup);
            Load fanOut = PerformanceBenchmark.fanOut(load, List.of(server.pid()), setup.senders(), setup.roomSize(), setup.perSender());
            // Joins, measured once the server is warm: as many again, into as many new rooms of the same size.
            load.spreadOver(setup.rooms(), "j");
            long cpuBefore = ServerProcess.cpuMicros(server.pid());
            List<LoadGenerator.Client> joiners = load.connect(setup.clients(), 100, 120);
            PerformanceBenchmark.awaitCount(load, joiners, setup.roomSize(), 120);
            double joinCpu = ServerProcess.cpuMicros(server.pid()) - cpuBefore;
            long size = setup.roomSize();
            double notices = setup.rooms() * (size * (size + 1) / 2.0); // the k-th to join a room is announced to k
            if (setup.clients() < MIN_JOINS) {
                joinCpu = Double.NaN; // a few joins take a few of the process clock's 10 ms ticks: not a measurement
            }
            return new Result(joinCpu / setup.clients(), joinCpu / notices, fanOut, load.violations());
        }
    }

    /**
     * Fan-out rounds until the server has made {@value #WARM_UP_DELIVERIES} deliveries: one round in the room of
     * 1000, three in the rooms of 10 (100,000 deliveries a round). One round of 100 chats in a room of 10 left the
     * measured round mostly to the interpreter and the JIT compiler.
     */
    private static void warmUp(LoadGenerator load, ServerProcess server, Setup setup) throws Exception {
        for (long delivered = 0; delivered < WARM_UP_DELIVERIES; delivered += setup.deliveries()) {
            PerformanceBenchmark.fanOut(load, List.of(server.pid()), setup.senders(), setup.roomSize(), setup.perSender());
        }
    }

    private static final long WARM_UP_DELIVERIES = 300_000;

    /** Fewer joins than this are not reported: the CPU they take is a handful of 10 ms clock ticks. */
    private static final int MIN_JOINS = 1000;

    private static double median(List<Result> runs, ToDoubleFunction<Result> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private RoomsBenchmark() {
    }
}
