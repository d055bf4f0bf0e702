package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, in its own temporary
 * directory. Where none is installed the calling test is skipped, except in CI ({@code CI=true}),
 * where {@code .ci/run} installs Debian's and a missing one is a failure.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(10);

    private final int port;
    private final Path directory;
    /** What follows {@code redis-server} on its command line besides the port: a config file, options. */
    private final List<String> arguments;
    private Process process;

    private RedisServer(int port, Path directory, List<String> arguments) {
        this.port = port;
        this.directory = directory;
        this.arguments = arguments;
    }

    /** Starts one, or skips the test where none is installed (outside CI). */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /**
     * As {@link #start()}, with more options (such as {@code --replicaof 127.0.0.1 PORT}); a first
     * argument ending in {@code .conf} names a config file, which comes first, as redis-server wants.
     */
    public static RedisServer start(List<String> options) throws IOException, InterruptedException {
        String installed = executable();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(installed).as("redis-server on the PATH (.ci/run installs it)").isNotNull();
        }
        Assumptions.assumeTrue(installed != null,
                "redis-server is not installed: skipping the cluster tests (apt-get install redis-server)");
        RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("redis"), List.copyOf(options));
        server.restart();
        return server;
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Its temporary directory, where it logs ({@code redis.log}) and a config file given to it may be written. */
    public Path directory() {
        return directory;
    }

    /** The running server's process id, e.g. to measure its CPU time. */
    public long pid() {
        return process.pid();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it again on the same port, empty, after {@link #kill()}. */
    public void restart() throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("redis-server"));
        boolean configFile = !arguments.isEmpty() && arguments.get(0).endsWith(".conf");
        if (configFile) {
            command.add(arguments.get(0));
        }
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory.toString()));
        command.addAll(configFile ? arguments.subList(1, arguments.size()) : arguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + START.toNanos();
        while (!accepts()) {
            assertThat(process.isAlive()).as("redis-server running (see " + directory.resolve("redis.log") + ")").isTrue();
            assertThat(System.nanoTime()).as("redis-server listening within " + START).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Whether its process is running. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills it at once (SIGKILL), as a crash would; its data is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("redis-server ended").isTrue();
    }

    /**
     * Freezes it (SIGSTOP): its sockets stay open and take what clients send, and nothing is
     * answered until {@link #resume}, as a Redis stuck in a long command or a paused VM.
     */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@linkplain #pause paused} server run again (SIGCONT): it works through what arrived meanwhile. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name + " redis-server").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String executable() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(directory, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** A port free on loopback now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
