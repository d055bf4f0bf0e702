package dev.websocketchat.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server run as a process of its own on a free loopback port, as an operator runs it, so the
 * benchmark's own load and memory never mix with the server's: the built standalone jar, a
 * peer from {@code bench/}, or the WAR in a container ({@link WarProcess}). Its log goes to
 * {@code target/<name>-server.log}.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final URI application;
    private final Path log;

    /** A server {@link #launch launched} under {@code name}. */
    ServerProcess(String name, Process process, URI application) {
        this(process, application, logOf(name));
    }

    /** A server that writes its log to a file of its own. */
    ServerProcess(Process process, URI application, Path log) {
        this.process = process;
        this.application = application;
        this.log = log;
    }

    /** @param settings {@code chat.*} system properties for the server */
    static ServerProcess start(String name, List<String> jvmOptions, Map<String, String> settings) throws Exception {
        return start(name, List.of(), jvmOptions, settings);
    }

    /**
     * @param prefix what the command runs under, e.g. {@code taskset -c 0}
     * @param settings {@code chat.*} system properties for the server
     */
    static ServerProcess start(String name, List<String> prefix, List<String> jvmOptions, Map<String, String> settings)
            throws Exception {
        return start(name, Path.of("target", "websocket-chat-standalone.jar"), prefix, jvmOptions, settings);
    }

    /** As {@link #start(String, List, List, Map)}, with another build's jar: a baseline to compare with. */
    static ServerProcess start(String name, Path jar, List<String> prefix, List<String> jvmOptions, Map<String, String> settings)
            throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(prefix);
        command.add(java("java"));
        command.addAll(jvmOptions);
        command.add("-Dchat.port=" + port);
        command.add("-Dchat.host=127.0.0.1");
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ServerProcess server = new ServerProcess(name, launch(name, new ProcessBuilder(command)), URI.create("http://127.0.0.1:" + port + "/"));
        server.awaitHealthy(30);
        return server;
    }

    /**
     * A peer server from {@code bench/} (the Node.js baseline, or Bun), which has no
     * {@code /health}: waits for its port, passed to it as {@code PORT}.
     */
    static ServerProcess peer(String name, List<String> prefix, String... command) throws Exception {
        int port = freePort();
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().put("PORT", String.valueOf(port));
        ServerProcess server = new ServerProcess(name, launch(name, builder), URI.create("http://127.0.0.1:" + port + "/"));
        server.awaitPort();
        return server;
    }

    static Process launch(String name, ProcessBuilder builder) throws IOException {
        return builder.redirectErrorStream(true).redirectOutput(logOf(name).toFile()).start();
    }

    private static Path logOf(String name) {
        return Path.of("target/" + name + "-server.log");
    }

    /** The server's log: what it wrote to its standard output and error, unless it logs to a file of its own. */
    Path log() {
        return log;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The server's own process: the one started, or the JVM a launch script started (WildFly's). */
    long pid() {
        return process.info().command().filter(command -> command.endsWith("/java")).isPresent() ? process.pid()
                : process.descendants().filter(child -> child.info().command().filter(command -> command.endsWith("/java")).isPresent())
                        .findFirst().map(ProcessHandle::pid).orElse(process.pid());
    }

    /** CPU time the server has used so far, user and system, in microseconds (from /proc). */
    long cpuMicros() throws IOException {
        return cpuMicros(pid());
    }

    static long cpuMicros(long pid) throws IOException {
        return statCpuMicros(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /**
     * CPU time HotSpot's JIT compiler threads have used so far, in microseconds; 0 for a process
     * that has none (Node, Bun). A compiler thread that has ended no longer counts.
     */
    long compilerCpuMicros() throws IOException {
        long micros = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm"));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        micros += statCpuMicros(task.resolve("stat"));
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return micros;
    }

    private static long statCpuMicros(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 10_000; // USER_HZ is 100 on Linux
    }

    private void awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", application.getPort())) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the server did not listen within 30 s; see its log in target/");
    }

    URI application() {
        return application;
    }

    URI chat() {
        return URI.create("ws" + application.toString().substring("http".length()) + "chat");
    }

    String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(application.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The bytes of live objects in the server's heap after a full GC, in KiB: the total of
     * {@code GC.class_histogram}, which makes that GC. Not {@code GC.heap_info}'s "used", which
     * also counts the allocation buffers threads took since the collection: on the jar, right
     * after a GC, 0 or 11 MB of its young generation by chance, which made the idle-heap
     * baseline 5.2 or 16.3 MB and the jar's KiB per idle connection anywhere from 4.5 to 7.1.
     */
    long heapAfterGcKib() throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("jcmd GC.class_histogram printed no total: "
                    + histogram.substring(Math.max(0, histogram.length() - 500)));
        }
        return Long.parseLong(total.group(1)) / 1024;
    }

    /** The server's resident memory, in KiB, from /proc. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(java("jcmd"), String.valueOf(pid()), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    void awaitHealthy(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (get("health").contains("UP")) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the server did not start within " + seconds + " s; see its log in target/");
    }

    static String java(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    /** Stops the server and whatever it started, within 30 s. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
