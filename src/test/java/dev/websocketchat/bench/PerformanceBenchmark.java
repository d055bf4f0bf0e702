package dev.websocketchat.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The standalone jar, the same WAR in Tomcat, WildFly and Payara Micro ({@link WarProcess}),
 * and two peers, the tutorial's Node.js {@code ws} server ({@code bench/node}) and a Bun server
 * with {@code server.publish} ({@code bench/bun}): same workloads, same invocation, in turns,
 * with the server pinned to core 0 and this JVM (the load generator) to core 1. Prints a table
 * of medians, the ratios to the jar and to each peer, then one JSON line.
 * {@code ./mvnw -Pbench verify [-Dbench.rounds=3] [-Dbench.servers=java,tomcat,...]}; needs
 * {@code node}, {@code taskset}, both peers' {@code npm ci} (Bun comes from the npm registry with
 * its binary), and the containers their profiles unpack; a server that cannot run is left out,
 * with the reason printed.
 *
 * <p>Workloads: fan-out (1000 clients, 10 senders × 100 chats, closed loop: a sender sends its
 * next chat when its previous one comes back); a fixed rate (1000 clients, 20 chats/s in total,
 * 10 s); fan-out again with 10 % of the readers stalled; a connect storm on a fresh server
 * (5000 clients, each join broadcast to everyone: its time, and the server's CPU per join with the
 * JIT compilers' share of it); and those 5000 connections idle, for memory. A lost, repeated or
 * reordered chat voids the run. {@code -Dbench.profile} runs a profiler over the measured
 * fan-out ({@link Profile}).
 */
public final class PerformanceBenchmark {

    /** Smaller values (-Dbench.clients, -Dbench.storm) are for trying the benchmark out, not for numbers. */
    private static final int CLIENTS = Integer.getInteger("bench.clients", 1000);
    static final int SENDERS = 10;
    static final int PER_SENDER = 100;
    private static final int STORM = Integer.getInteger("bench.storm", 5000);
    private static final int STORM_WINDOW = 200;
    private static final int WARM_UPS = Integer.getInteger("bench.warmups", 5);
    private static final int MAX_WARM_UPS = 30;
    /** A JVM is warm once its JIT compilers used less than this share of its CPU over one fan-out. */
    private static final double COMPILING = 0.01;

    /** Milliseconds. */
    record Latency(double p50, double p99, double max) {
        static Latency of(long[] nanos, int count) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Latency(ms(sorted[count / 2]), ms(sorted[(int) (count * 0.99)]), ms(sorted[count - 1]));
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }
    }

    /** One workload's outcome. */
    record Load(double deliveriesPerSecond, double serverMicrosPerDelivery, double generatorMicrosPerDelivery, Latency latency) {
    }

    record Run(String server, Load fanOut, Load fixedRate, Load stalled, Storm storm, long violations) {
    }

    /**
     * The connect storm's outcome ({@link #storm}). A join's CPU is the server's over the storm
     * per client that joined: its handshake and its announcement to everyone already there.
     *
     * @param compilerMicrosPerJoin the part of {@code coldMicrosPerJoin} a JVM's JIT compilers
     *                              used (0 for Node and Bun, whose compilers this does not see)
     */
    record Storm(double seconds, double coldMicrosPerJoin, double compilerMicrosPerJoin, double warmSeconds,
                 double warmMicrosPerJoin, double heapKibPerIdle, double rssKibPerIdle, long violations) {
        static final Storm NONE = new Storm(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }

    /**
     * The servers there are, in the order of the report's columns; each round starts one further
     * along. {@code java-before} is the jar at {@code -Dbench.baseline=PATH}, another build's, to
     * measure a change side by side with the build before it.
     */
    private static final List<String> ALL = List.of("java-before", "java", "tomcat", "wildfly", "payara", "node", "bun");
    private static final List<String> JVMS = List.of("java-before", "java", "tomcat", "wildfly", "payara");

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<String> servers = runnable(List.of(System.getProperty("bench.servers", String.join(",", ALL)).split(",")));
        pin(ProcessHandle.current().pid(), "1");
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        servers.forEach(server -> runs.put(server, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < servers.size(); i++) {
                String server = servers.get((round + i) % servers.size());
                Run run = measure(server);
                runs.get(server).add(run);
                System.out.printf("round %d, %s: %s%n", round + 1, server, run);
            }
        }
        List<Run> medians = servers.stream().map(server -> median(runs.get(server))).toList();
        BenchReport.print(medians, rounds);
    }

    /** The servers asked for that can run here; says why each other one cannot. */
    private static List<String> runnable(List<String> asked) {
        List<String> servers = new ArrayList<>();
        for (String server : ALL) {
            if (!asked.contains(server)) {
                continue;
            }
            String missing = WarProcess.CONTAINERS.contains(server) ? WarProcess.missing(server)
                    : server.equals("java-before") && (System.getProperty("bench.baseline", "").isBlank() || !Files.isRegularFile(Path.of(System.getProperty("bench.baseline"))))
                    ? "no baseline jar: -Dbench.baseline=PATH"
                    : server.equals("bun") && !Files.exists(Path.of(BUN)) ? BUN + " is missing: npm ci in bench/bun"
                    : null;
            if (missing == null) {
                servers.add(server);
            } else {
                System.out.printf("left out %s: %s%n", server, missing);
            }
        }
        return servers;
    }

    /**
     * Fan-outs before the measured one, for the JIT: five (-Dbench.warmups), and for a JVM as many
     * more as it takes for one to run with its compiler threads under 1 % of its CPU
     * ({@value #MAX_WARM_UPS} at most). Pinned to one core, C2 shares it with the server's own
     * threads and falls behind: after five fan-outs it still took 30 % of the jar's CPU in the next.
     * Node and Bun, whose compilers this does not see, get the fixed count (Bun's cost does not
     * move with more).
     */
    private static void warmUp(String kind, LoadGenerator load, ServerProcess server, List<LoadGenerator.Client> clients)
            throws Exception {
        StringBuilder costs = new StringBuilder();
        double compiling = 1;
        int done = 0;
        boolean jvm = JVMS.contains(kind);
        while (done < WARM_UPS || (jvm && compiling >= COMPILING && done < MAX_WARM_UPS)) {
            long cpuBefore = server.cpuMicros();
            long compilerBefore = server.compilerCpuMicros();
            Load fanOut = fanOut(load, server, clients, List.of());
            long cpu = server.cpuMicros() - cpuBefore;
            compiling = cpu == 0 ? 0 : (server.compilerCpuMicros() - compilerBefore) / (double) cpu;
            costs.append(String.format(Locale.ROOT, " %.2f (%.0f %%)", fanOut.serverMicrosPerDelivery(), 100 * compiling));
            done++;
        }
        System.out.printf("%s warm-up: %d fan-outs, server us per delivery (JIT compilers' share of it):%s%n",
                kind, done, costs);
    }

    private static Run measure(String kind) throws Exception {
        Load fanOut;
        Load fixedRate;
        Load stalled;
        long violations;
        try (ServerProcess server = start(kind); LoadGenerator load = generator(server)) {
            List<LoadGenerator.Client> clients = load.connect(CLIENTS, 100, 120);
            awaitCount(load, clients, CLIENTS, 120);
            warmUp(kind, load, server, clients);
            try (Profile profile = Profile.start(kind, JVMS.contains(kind), server)) {
                fanOut = fanOut(load, server, clients, List.of());
            }
            fixedRate = fixedRate(load, server, clients, 20, 10);
            List<LoadGenerator.Client> stalledReaders = clients.subList(CLIENTS - CLIENTS / 10, CLIENTS);
            load.forEach(client -> {
                if (stalledReaders.contains(client)) {
                    client.stall();
                }
            });
            stalled = fanOut(load, server, clients, stalledReaders);
            violations = load.violations();
        }
        Storm storm = STORM == 0 ? Storm.NONE : storm(kind); // -Dbench.storm=0: one server process per round, e.g. to profile it
        return new Run(kind, fanOut, fixedRate, stalled, storm, violations + storm.violations());
    }

    /**
     * The connect storm, on a fresh server: {@value #STORM_WINDOW} handshakes in flight until each
     * of the {@link #STORM} clients has seen all of them online. Those connections then idle, for
     * memory, and leave; once a new client sees itself alone, the same storm again on the now warm
     * server, which is what a join costs a server that has been running.
     */
    private static Storm storm(String kind) throws Exception {
        try (ServerProcess server = start(kind)) {
            boolean jvm = JVMS.contains(kind);
            long heapBefore = jvm ? server.heapAfterGcKib() : 0;
            long rssBefore = server.rssKib();
            Joins cold;
            long heapAfter;
            long rssAfter;
            long violations;
            try (LoadGenerator load = generator(server)) {
                cold = joins(load, server, List.of());
                heapAfter = jvm ? server.heapAfterGcKib() : 0;
                rssAfter = server.rssKib();
                violations = load.violations();
            }
            System.out.printf("%s idle: heap after GC %d -> %d KiB, RSS %d -> %d KiB for %d connections%n",
                    kind, heapBefore, heapAfter, rssBefore, rssAfter, STORM);
            Joins warm;
            try (LoadGenerator load = generator(server)) {
                List<LoadGenerator.Client> alone = load.connect(1, 1, 60);
                awaitCount(load, alone, 1, 600); // every client of the first storm has left
                warm = joins(load, server, alone);
                violations += load.violations();
            }
            return new Storm(cold.seconds(), cold.serverMicrosPerJoin(), cold.compilerMicrosPerJoin(),
                    warm.seconds(), warm.serverMicrosPerJoin(), jvm ? (heapAfter - heapBefore) / (double) STORM : Double.NaN,
                    (rssAfter - rssBefore) / (double) STORM, violations);
        }
    }

    /** A storm's wall time, and the server's CPU, and its JIT compilers' part of it, per client that joined during it. */
    record Joins(double seconds, double serverMicrosPerJoin, double compilerMicrosPerJoin) {
    }

    /** Connects clients until {@link #STORM} are online, {@code present} among them, and waits until all see that many. */
    private static Joins joins(LoadGenerator load, ServerProcess server, List<LoadGenerator.Client> present) throws Exception {
        int count = STORM - present.size();
        long cpuBefore = server.cpuMicros();
        long compilerBefore = server.compilerCpuMicros();
        long started = System.nanoTime();
        List<LoadGenerator.Client> clients = new ArrayList<>(present);
        clients.addAll(load.connect(count, STORM_WINDOW, 600));
        awaitCount(load, clients, STORM, 600);
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Joins(seconds, (server.cpuMicros() - cpuBefore) / (double) count,
                (server.compilerCpuMicros() - compilerBefore) / (double) count);
    }

    /** 10 senders × 100 chats, each sender waiting for its own chat before the next. */
    static Load fanOut(LoadGenerator load, ServerProcess server, List<LoadGenerator.Client> clients,
                       List<LoadGenerator.Client> stalled) throws Exception {
        return fanOut(load, List.of(server.pid()), clients, stalled);
    }

    /** @param serverPids the processes whose CPU time is the server's: one, or several instances and Redis */
    static Load fanOut(LoadGenerator load, List<Long> serverPids, List<LoadGenerator.Client> clients,
                       List<LoadGenerator.Client> stalled) throws Exception {
        return fanOut(load, serverPids, SENDERS, clients.size() - stalled.size());
    }

    /** {@link #fanOut(LoadGenerator, List, int, int, int)} with {@value #PER_SENDER} chats per sender. */
    static Load fanOut(LoadGenerator load, List<Long> serverPids, int senders, int readersPerChat) throws Exception {
        return fanOut(load, serverPids, senders, readersPerChat, PER_SENDER);
    }

    /**
     * Clients {@code 0 .. senders - 1} each send {@code perSender} chats, each after its last one
     * came back, and each chat reaches {@code readersPerChat} clients (the sender's room, less the stalled).
     */
    static Load fanOut(LoadGenerator load, List<Long> serverPids, int senders, int readersPerChat, int perSender)
            throws Exception {
        Recorder recorder = new Recorder(readersPerChat * senders * perSender);
        load.forEach(LoadGenerator.Client::resetOrder);
        load.onChat((receiver, sender, seq, sent) -> {
            recorder.record(sent);
            if (receiver.index == sender && seq + 1 < perSender) {
                receiver.sendChat(seq + 1);
            }
        });
        Measure measure = Measure.start(serverPids);
        load.forEach(client -> {
            if (client.index < senders) {
                client.sendChat(0);
            }
        });
        recorder.done.get(120, TimeUnit.SECONDS);
        return measure.stop(recorder);
    }

    /** {@code perSecond} chats a second in all, round-robin over the senders, for {@code seconds}. */
    private static Load fixedRate(LoadGenerator load, ServerProcess server, List<LoadGenerator.Client> clients,
                                  int perSecond, int seconds) throws Exception {
        int chats = perSecond * seconds;
        Recorder recorder = new Recorder(clients.size() * chats);
        load.forEach(LoadGenerator.Client::resetOrder);
        load.onChat((receiver, sender, seq, sent) -> recorder.record(sent));
        Measure measure = Measure.start(List.of(server.pid()));
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < chats; i++) {
            LoadGenerator.Client sender = clients.get(i % SENDERS);
            int seq = i / SENDERS;
            load.execute(() -> sender.sendChat(seq));
            next += interval;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        }
        recorder.done.get(60, TimeUnit.SECONDS);
        return measure.stop(recorder);
    }

    /** Latencies of every delivery, on the load generator's thread. */
    private static final class Recorder {
        final long[] latencies;
        int count;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Recorder(int expected) {
            latencies = new long[expected];
        }

        void record(long sentNanos) {
            if (count < latencies.length) {
                latencies[count++] = System.nanoTime() - sentNanos;
                if (count == latencies.length) {
                    done.complete(null);
                }
            }
        }
    }

    /** Wall time and both processes' CPU time over one workload. */
    record Measure(List<Long> serverPids, long startNanos, long serverCpu, long generatorCpu) {
        static Measure start(List<Long> serverPids) throws Exception {
            return new Measure(serverPids, System.nanoTime(), cpuMicros(serverPids), ServerProcess.cpuMicros(ProcessHandle.current().pid()));
        }

        static long cpuMicros(List<Long> pids) throws Exception {
            long sum = 0;
            for (long pid : pids) {
                sum += ServerProcess.cpuMicros(pid);
            }
            return sum;
        }

        Load stop(Recorder recorder) throws Exception {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double deliveries = recorder.count;
            return new Load(deliveries / seconds, (cpuMicros(serverPids) - serverCpu) / deliveries,
                    (ServerProcess.cpuMicros(ProcessHandle.current().pid()) - generatorCpu) / deliveries,
                    Latency.of(recorder.latencies, recorder.count));
        }
    }

    static void awaitCount(LoadGenerator load, List<LoadGenerator.Client> clients, int online, long seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (load.call(() -> clients.stream().anyMatch(client -> client.lastOnline != online))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every client saw " + online + " online within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    private static ServerProcess start(String kind) throws Exception {
        List<String> core0 = List.of("taskset", "-c", "0");
        if (kind.equals("node")) {
            return ServerProcess.peer("bench-node", core0, "node", "bench/node/server.js");
        }
        if (kind.equals("bun")) {
            return ServerProcess.peer("bench-bun", core0, BUN, "bench/bun/server.js");
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-Xms2g", "-XX:+AlwaysPreTouch"));
        String extra = System.getProperty("bench.serverJvm", ""); // e.g. a JFR recording, to profile
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        Map<String, String> settings = Map.of("chat.rate.limit", "0", "chat.max.connections", "20000",
                "chat.max.connections.per.address", "0", "chat.history", "0", "chat.address.handshakes", "0",
                "chat.address.bytes", "0", "chat.max.sockets.per.address", "0");
        return switch (kind) {
            case "java" -> ServerProcess.start("bench-java", core0, jvm, settings);
            case "java-before" -> ServerProcess.start("bench-java-before", Path.of(System.getProperty("bench.baseline")), core0, jvm, settings);
            default -> WarProcess.start(kind, core0, jvm, settings);
        };
    }

    private static final String BUN = "bench/bun/node_modules/.bin/bun";

    private static LoadGenerator generator(ServerProcess server) throws Exception {
        return new LoadGenerator(new InetSocketAddress("127.0.0.1", server.application().getPort()), server.chat().getPath());
    }

    static void pin(long pid, String cores) throws Exception {
        Process taskset = new ProcessBuilder("taskset", "-a", "-cp", cores, String.valueOf(pid)).redirectErrorStream(true).start();
        taskset.getInputStream().readAllBytes();
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset failed");
        }
    }

    private static Run median(List<Run> runs) {
        List<Storm> storms = runs.stream().map(Run::storm).toList();
        Storm storm = new Storm(median(storms, Storm::seconds), median(storms, Storm::coldMicrosPerJoin),
                median(storms, Storm::compilerMicrosPerJoin), median(storms, Storm::warmSeconds),
                median(storms, Storm::warmMicrosPerJoin),
                median(storms, Storm::heapKibPerIdle), median(storms, Storm::rssKibPerIdle), 0);
        return new Run(runs.get(0).server(),
                medianLoad(runs, Run::fanOut), medianLoad(runs, Run::fixedRate), medianLoad(runs, Run::stalled),
                storm, runs.stream().mapToLong(Run::violations).sum());
    }

    private static Load medianLoad(List<Run> runs, Function<Run, Load> load) {
        List<Load> loads = runs.stream().map(load).toList();
        return new Load(median(loads, Load::deliveriesPerSecond), median(loads, Load::serverMicrosPerDelivery),
                median(loads, Load::generatorMicrosPerDelivery), new Latency(median(loads, l -> l.latency().p50()),
                median(loads, l -> l.latency().p99()), median(loads, l -> l.latency().max())));
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> value) {
        double[] sorted = values.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private PerformanceBenchmark() {
    }
}
