package dev.websocketchat.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A profiler run over one measured workload only, not over the server's start or warm-up:
 * {@code -Dbench.profile="perf record -g -F 999 -o target/{server}.perf -p {pid}"} runs that
 * command with the server's name and process id filled in, and stops it as Ctrl-C would
 * (SIGINT, on which {@code perf record} writes its data and {@code perf stat} its counts) at the
 * workload's end, waiting 60 s at most for it to write its data; for a JVM, {@code jcmd
 * Compiler.perfmap} first writes the map {@code perf report} needs to name compiled Java frames
 * ({@code -Dbench.serverJvm=-XX:+PreserveFramePointer} gives it whole stacks). Without the
 * property nothing runs.
 */
final class Profile implements AutoCloseable {

    private static final String COMMAND = System.getProperty("bench.profile", "");

    private final ServerProcess server;
    private final boolean jvm;
    private final Process profiler;

    private Profile(ServerProcess server, boolean jvm, Process profiler) {
        this.server = server;
        this.jvm = jvm;
        this.profiler = profiler;
    }

    static Profile start(String kind, boolean jvm, ServerProcess server) throws Exception {
        if (COMMAND.isBlank()) {
            return new Profile(server, jvm, null);
        }
        List<String> command = new ArrayList<>();
        for (String word : COMMAND.trim().split("\\s+")) {
            command.add(word.replace("{server}", kind).replace("{pid}", String.valueOf(server.pid())));
        }
        Process profiler = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/bench-profile-" + kind + ".log")).start();
        Thread.sleep(500); // perf attaches to every thread of the process before it counts
        return new Profile(server, jvm, profiler);
    }

    @Override
    public void close() throws Exception {
        if (profiler == null) {
            return;
        }
        if (jvm) {
            server.jcmd("Compiler.perfmap");
        }
        new ProcessBuilder("kill", "-INT", String.valueOf(profiler.pid())).inheritIO().start().waitFor();
        if (!profiler.waitFor(60, TimeUnit.SECONDS)) {
            profiler.destroyForcibly();
            throw new IllegalStateException("the profiler did not stop within 60 s");
        }
        System.out.println("profiled the measured fan-out of " + server.pid() + ": " + COMMAND);
    }
}
