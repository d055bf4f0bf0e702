package dev.websocketchat.bench;

import dev.websocketchat.bench.PerformanceBenchmark.Load;
import dev.websocketchat.bench.PerformanceBenchmark.Run;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The performance benchmark's report: one column per server with its medians, then the same
 * rows divided by the jar's, by Node's and by Bun's (those of them that ran), then one JSON line.
 */
final class BenchReport {

    private static final Map<String, ToDoubleFunction<Run>> ROWS = rows();

    private static Map<String, ToDoubleFunction<Run>> rows() {
        Map<String, ToDoubleFunction<Run>> rows = new java.util.LinkedHashMap<>();
        rows.put("fan-out deliveries/s", run -> run.fanOut().deliveriesPerSecond());
        rows.put("fan-out server CPU us/delivery", run -> run.fanOut().serverMicrosPerDelivery());
        rows.put("fan-out load generator CPU us/delivery", run -> run.fanOut().generatorMicrosPerDelivery());
        rows.put("fan-out latency p99 ms", run -> run.fanOut().latency().p99());
        rows.put("20 chats/s x 1000: latency p50 ms", run -> run.fixedRate().latency().p50());
        rows.put("20 chats/s x 1000: latency p99 ms", run -> run.fixedRate().latency().p99());
        rows.put("20 chats/s x 1000: latency max ms", run -> run.fixedRate().latency().max());
        rows.put("10% stalled: deliveries/s", run -> run.stalled().deliveriesPerSecond());
        rows.put("10% stalled: others' latency p99 ms", run -> run.stalled().latency().p99());
        rows.put("10% stalled: p99 / fan-out p99 unstalled", run -> run.stalled().latency().p99() / run.fanOut().latency().p99());
        rows.put("connect storm of 5000, s", run -> run.storm().seconds());
        rows.put("storm: server CPU us per join, fresh server", run -> run.storm().coldMicrosPerJoin());
        rows.put("storm: of which JIT compilers", run -> run.storm().compilerMicrosPerJoin());
        rows.put("storm again, warm server, s", run -> run.storm().warmSeconds());
        rows.put("storm again: server CPU us per join", run -> run.storm().warmMicrosPerJoin());
        rows.put("idle: heap KiB per connection (after GC)", run -> run.storm().heapKibPerIdle());
        rows.put("idle: RSS KiB per connection", run -> run.storm().rssKibPerIdle());
        return rows;
    }

    static void print(List<Run> runs, int rounds) {
        System.out.printf("%nmedians of %d rounds; server on core 0, load generator on core 1%n", rounds);
        table(runs, null);
        for (String base : List.of("java", "node", "bun")) {
            runs.stream().filter(run -> run.server().equals(base)).findFirst().ifPresent(divisor -> {
                System.out.printf("%neach divided by %s%n", base);
                table(runs, divisor);
            });
        }
        System.out.printf("%nlost, repeated or reordered chats: %s%n",
                runs.stream().map(run -> run.server() + " " + run.violations()).collect(Collectors.joining(", ")));
        System.out.printf("{\"rounds\":%d,%s}%n", rounds,
                runs.stream().map(run -> "\"" + run.server() + "\":" + json(run)).collect(Collectors.joining(",")));
    }

    /** Each row's values, divided by the divisor's where there is one; NaN where a server has none (a JVM's heap). */
    private static void table(List<Run> runs, Run divisor) {
        StringBuilder header = new StringBuilder(String.format("%-44s", ""));
        runs.forEach(run -> header.append(String.format("%12s", run.server())));
        System.out.println(header);
        ROWS.forEach((name, value) -> {
            StringBuilder row = new StringBuilder(String.format("%-44s", name));
            for (Run run : runs) {
                double v = value.applyAsDouble(run) / (divisor == null ? 1 : value.applyAsDouble(divisor));
                row.append(String.format(Locale.ROOT, "%12.2f", v));
            }
            System.out.println(row);
        });
    }

    private static String json(Run run) {
        Load fanOut = run.fanOut();
        return String.format(Locale.ROOT, "{\"fanOutDeliveriesPerSecond\":%.0f,\"fanOutServerMicrosPerDelivery\":%.3f,"
                        + "\"fanOutGeneratorMicrosPerDelivery\":%.3f,\"fanOutP99Ms\":%.2f,\"fixedRateP50Ms\":%.2f,\"fixedRateP99Ms\":%.2f,"
                        + "\"fixedRateMaxMs\":%.2f,\"stalledP99Ms\":%.2f,\"stormSeconds\":%.1f,\"stormColdMicrosPerJoin\":%.0f,"
                        + "\"stormCompilerMicrosPerJoin\":%.0f,\"stormWarmSeconds\":%.1f,\"stormWarmMicrosPerJoin\":%.0f,\"heapKibPerIdle\":%.2f,"
                        + "\"rssKibPerIdle\":%.2f,\"violations\":%d}",
                fanOut.deliveriesPerSecond(), fanOut.serverMicrosPerDelivery(), fanOut.generatorMicrosPerDelivery(),
                fanOut.latency().p99(), run.fixedRate().latency().p50(), run.fixedRate().latency().p99(),
                run.fixedRate().latency().max(), run.stalled().latency().p99(), run.storm().seconds(), run.storm().coldMicrosPerJoin(),
                run.storm().compilerMicrosPerJoin(), run.storm().warmSeconds(), run.storm().warmMicrosPerJoin(), run.storm().heapKibPerIdle(),
                run.storm().rssKibPerIdle(), run.violations());
    }

    private BenchReport() {
    }
}
