package dev.websocketchat.support;

import dev.websocketchat.standalone.ChatServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone server in a JVM of its own, as an operator runs it: the built jar, or the server's
 * main class on the tests' class path with the jar's logging, configured by environment variables
 * ({@code PORT=0} and {@code CHAT_HOST=127.0.0.1} unless given). Its output is read line by line,
 * for a test to wait for; it can be killed without any chance to clean up, or stopped with SIGTERM.
 */
public final class ServerJvm implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private final Process process;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();

    private ServerJvm(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PORT", "0", "CHAT_HOST", "127.0.0.1"));
        builder.environment().putAll(environment);
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (IOException | UncheckedIOException ended) {
                // the process ended
            }
        }, "server-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code target/websocket-chat-standalone.jar}. */
    public static ServerJvm jar(Map<String, String> environment) throws IOException {
        return new ServerJvm(List.of(java(), "-jar", Path.of("target", "websocket-chat-standalone.jar").toString()), environment);
    }

    /** Runs the server's main class from the tests' class path, logging to its output as the jar does. */
    public static ServerJvm classes(Map<String, String> environment) throws IOException {
        Path serverLogging;
        try {
            serverLogging = Path.of(ChatServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("logging.properties");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Djava.util.logging.config.file=" + serverLogging,
                "-cp", System.getProperty("java.class.path"), ChatServer.class.getName()));
        return new ServerJvm(command, environment);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits for the line that says where it listens; its page's address. */
    public URI root() throws InterruptedException {
        return URI.create("http://127.0.0.1:" + awaitLine(LISTENING).group(1) + "/");
    }

    /** Waits for the next line of its output that matches, up to {@link ChatClient#WAIT}; fails the test if none does. */
    public Matcher awaitLine(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + ChatClient.WAIT.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = output.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("no line matching " + pattern + " in:\n" + seen);
    }

    /** Its process, to signal or wait for. */
    public Process process() {
        return process;
    }

    /** Kills it at once (SIGKILL), as a crash would. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
