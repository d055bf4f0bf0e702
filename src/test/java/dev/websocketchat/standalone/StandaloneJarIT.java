package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.ServerJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runnable jar that {@code ./mvnw package} built, started as its own process, as a user runs it. */
class StandaloneJarIT {

    private ServerJvm server;
    private URI application;

    @BeforeEach
    void startTheJar() throws Exception {
        server = ServerJvm.jar(Map.of());
        application = server.root();
    }

    @AfterEach
    void stopTheJar() {
        server.close();
    }

    @Test
    void servesThePageAndTheChatFromOneJarAndLogsWhatItReceives() throws Exception {
        HttpResponse<String> page = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(application).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("전송");
        HttpResponse<String> head = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(application).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).as("HEAD /").isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(page.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(head.body()).isEmpty();

        try (ChatClient client = ChatClient.joined(URI.create("ws" + application.toString().substring(4) + "chat"))) {
            client.send("Hello");
            assertThat(client.next(Chat.class).text()).isEqualTo("Hello");
            server.awaitLine(Pattern.compile("INFO +dev\\.websocketchat\\.room\\.ChatRoom: received from \\d+: Hello$"));

            client.send("가".repeat(300));
            client.next(Chat.class);
            server.awaitLine(Pattern.compile("received from \\d+: (가{200})…$"));
        }
    }

    @Test
    void sigtermClosesEveryConnectionWith1001LogsEachStepAndExitsWithinFiveSeconds() throws Exception {
        List<ChatClient> clients = List.of(
                ChatClient.joined(URI.create("ws" + application.toString().substring(4) + "chat")),
                ChatClient.joined(URI.create("ws" + application.toString().substring(4) + "chat")));
        long started = System.nanoTime();
        server.process().toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output at once
        for (ChatClient client : clients) {
            assertThat(client.awaitClose().code()).isEqualTo(1001);
        }
        assertThat(server.process().waitFor(5, TimeUnit.SECONDS)).as("exited within 5 s").isTrue();
        // The JDK's own shutdown hook used to close the log handlers first: none of these appeared.
        server.awaitLine(Pattern.compile("ChatServer: stopping: the JVM is shutting down$"));
        server.awaitLine(Pattern.compile("Rooms: shutting down: flushing and closing 2 connections in 1 room$"));
        server.awaitLine(Pattern.compile("ChatRoom: closed connection \\d+ from .*: shutdown$"));
        server.awaitLine(Pattern.compile("ChatRoom: closed connection \\d+ from .*: shutdown$"));
        server.awaitLine(Pattern.compile("ChatServer: chat server stopped$"));
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO, "SIGTERM to exit: {0} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    void aPortInUseIsReportedInOneLineThatSaysWhatToDo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String log = failedStart(Map.of("PORT", String.valueOf(taken.getLocalPort()), "CHAT_HOST", "127.0.0.1"));
            assertThat(log).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "PORT=8080")
                    .doesNotContain("shutting down", "\tat ", "Exception in thread", "GRIZZLY0030");
        }
    }

    @Test
    void aBadSettingIsReportedInOneLineThatNamesTheKeyAndTheValue() throws Exception {
        String log = failedStart(Map.of("PORT", "80a", "CHAT_HOST", "127.0.0.1"));
        assertThat(log).contains("cannot start: PORT must be a whole number, not '80a'")
                .doesNotContain("\tat ", "Exception in thread", "listening");
    }

    /** Runs the jar, which must exit with 1 within 20 s; returns what it printed. */
    private static String failedStart(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/websocket-chat-standalone.jar")
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process server = builder.start();
        try {
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(server.exitValue()).isEqualTo(1);
            return new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            server.destroyForcibly();
        }
    }
}
