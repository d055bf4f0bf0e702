package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.tyrus.client.ClientManager;

/**
 * A real WebSocket client for tests, on the standard {@code jakarta.websocket} client API (Tyrus's
 * implementation here): received events land in a queue, the close is a future, and every wait
 * is bounded and fails the test when it runs out.
 *
 * <p>Why not the JDK's {@code java.net.http.WebSocket}: in about one full test run in six, one of
 * its connections failed with "Invalid UTF-8 in frame TEXT" on frames that Node's {@code ws}, a
 * strict validator, accepted from the same server in thousands of connections; neither client
 * failed when run alone. The standard client removes that doubt from the protocol tests.
 */
public final class ChatClient extends Endpoint implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final EventCodec CODEC = new EventCodec(Integer.MAX_VALUE);
    /**
     * Tyrus's client by name (in the embedded-Tomcat JVM, {@code ContainerProvider} could pick
     * either), with a timer for its sessions that lives as long as the tests. Tyrus's own is shut
     * down whenever the client counts no open connection, and that count can run out while a
     * connection is open or opening: its next send or its handshake then fails
     * (docs/tyrus-findings.md, 11).
     */
    private static final WebSocketContainer CONTAINER = new ClientManager() {
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "test-client-timer");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public ScheduledExecutorService getScheduledExecutorService() {
            return timer;
        }
    };

    private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile Session session;

    /** The close the server sent: code and reason. */
    public record Closed(int code, String reason) {
    }

    private ChatClient() {
    }

    public static ChatClient connect(URI uri) {
        return connect(uri, null);
    }

    /** Connects with the given {@code Origin} header (null for none), as a browser page would. */
    public static ChatClient connect(URI uri, String origin) {
        try {
            return open(uri, origin);
        } catch (DeploymentException | IOException e) {
            throw new AssertionError("connect to " + uri + " failed: " + e, e);
        }
    }

    /** Tries to connect; returns the HTTP status of a refused handshake, or 101 if it was accepted. */
    public static int handshakeStatus(URI uri, String origin) {
        try {
            open(uri, origin).close();
            return 101;
        } catch (DeploymentException | IOException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                java.util.regex.Matcher status = java.util.regex.Pattern.compile("\\b([45]\\d\\d)\\b")
                        .matcher(String.valueOf(cause.getMessage()));
                if (status.find()) {
                    return Integer.parseInt(status.group(1));
                }
            }
            throw new AssertionError("handshake with " + uri + " failed without a status: " + e, e);
        }
    }

    private static ChatClient open(URI uri, String origin) throws DeploymentException, IOException {
        ChatClient client = new ChatClient();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        if (origin != null) {
                            headers.put("Origin", List.of(origin));
                        }
                    }
                })
                .build();
        CONTAINER.connectToServer(client, config, uri);
        return client;
    }

    /** Connects and consumes the history and own join. */
    public static ChatClient joined(URI uri) {
        ChatClient client = connect(uri);
        client.next(ServerEvent.History.class);
        client.next(ServerEvent.Join.class);
        return client;
    }

    @Override
    public void onOpen(Session opened, EndpointConfig config) {
        session = opened;
        opened.setMaxTextMessageBufferSize(16 * 1024 * 1024);
        opened.addMessageHandler(String.class, (MessageHandler.Whole<String>) json -> {
            try {
                events.add(CODEC.decodeEvent(json));
            } catch (IOException e) {
                events.add(new ServerEvent.Refusal(null, "CLIENT COULD NOT PARSE: " + json, null));
            }
        });
        opened.addMessageHandler(ByteBuffer.class,
                (MessageHandler.Whole<ByteBuffer>) data -> events.add(new ServerEvent.Refusal(null, "CLIENT GOT A BINARY FRAME", null)));
    }

    @Override
    public void onClose(Session ended, CloseReason reason) {
        closed.complete(new Closed(reason.getCloseCode().getCode(), reason.getReasonPhrase()));
    }

    @Override
    public void onError(Session failed, Throwable error) {
        closed.complete(new Closed(1006, String.valueOf(error)));
    }

    public void send(String text) {
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /** Sends one message as several frames, as browsers may do with long messages. */
    public void sendFragmented(String... parts) {
        try {
            for (int i = 0; i < parts.length; i++) {
                session.getBasicRemote().sendText(parts[i], i == parts.length - 1);
            }
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /**
     * Sends without waiting for the send to finish, for frames the server may refuse mid-way.
     * False once the server has closed the connection: Tyrus throws "Socket is not connected"
     * from the send before the close reaches {@link #isClosed()}, so a flood cannot check first.
     */
    public boolean sendWithoutWaiting(String text) {
        try {
            session.getAsyncRemote().sendText(text);
            return true;
        } catch (RuntimeException closedMeanwhile) {
            return false;
        }
    }

    public void sendChat(String name, String text) {
        send("{\"type\":\"chat\",\"name\":" + quote(name) + ",\"text\":" + quote(text) + "}");
    }

    public void sendBinary(byte[] data) {
        try {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(data));
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /** The next event, whatever it is; fails the test if none comes in time. */
    public ServerEvent next() {
        ServerEvent event = nextOrClose();
        if (event == null) {
            fail(closed.isDone() ? "closed instead: " + closed.join() : "no event within " + WAIT);
        }
        return event;
    }

    /** The next event, or null once the connection is closed with nothing left to read. */
    public ServerEvent nextOrClose() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                boolean wasClosed = closed.isDone();
                ServerEvent event = events.poll(50, TimeUnit.MILLISECONDS);
                if (event != null || wasClosed) {
                    return event;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public <T extends ServerEvent> T next(Class<T> type) {
        ServerEvent event = next();
        assertThat(event).isInstanceOf(type);
        return type.cast(event);
    }

    /** Asserts that nothing arrives for the given time. */
    public void expectSilence(Duration duration) throws InterruptedException {
        ServerEvent event = events.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("unexpected event").isNull();
    }

    /** Takes every event that is already queued, without waiting. */
    public List<ServerEvent> drain() {
        List<ServerEvent> all = new ArrayList<>();
        events.drainTo(all);
        return all;
    }

    /** Waits for the server's close. */
    public Closed awaitClose() {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no close within " + WAIT, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Closes with 1000 and waits for the server to answer the close. */
    @Override
    public void close() {
        if (!closed.isDone() && session.isOpen()) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
                closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException | ExecutionException | TimeoutException | IllegalStateException e) {
                // the connection is gone either way; Tyrus throws IllegalStateException when the
                // server's close (a refused origin's 1008, say) lands between isOpen and close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
