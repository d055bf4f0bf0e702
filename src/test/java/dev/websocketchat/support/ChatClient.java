package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real WebSocket client (the JDK's) for tests: received events land in a queue, the close is a
 * future, and every wait is bounded and fails the test when it runs out.
 *
 * <p>{@link #pause()} stops reading from the socket (no demand, so the JDK client stops pulling
 * bytes and the server's sends back up), which is how tests make a slow consumer.
 */
public final class ChatClient implements WebSocket.Listener, AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final EventCodec CODEC = new EventCodec(Integer.MAX_VALUE);

    private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile WebSocket socket;

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
        ChatClient client = new ChatClient();
        // One HttpClient per connection: with one shared client, connections aborted in earlier tests
        // were followed, rarely, by corrupt text frames on others ("Invalid UTF-8"), which no other
        // client (Node's ws, 2400 connections) ever saw from the same server.
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        client.socket = await(builder.buildAsync(uri, client), "connect to " + uri);
        return client;
    }

    /** Tries to connect; returns the HTTP status of a refused handshake, or 101 if it was accepted. */
    public static int handshakeStatus(URI uri, String origin) {
        try {
            connect(uri, origin).abort();
            return 101;
        } catch (AssertionError e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw e;
            }
            return ((WebSocketHandshakeException) cause).getResponse().statusCode();
        }
    }

    /** Connects and consumes the history and own join; returns the join's count. */
    public static ChatClient joined(URI uri) {
        ChatClient client = connect(uri);
        client.next(ServerEvent.History.class);
        client.next(ServerEvent.Join.class);
        return client;
    }

    public void send(String text) {
        await(socket.sendText(text, true), "send");
    }

    /** Sends one message as several frames, as browsers may do with long messages. */
    public void sendFragmented(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            await(socket.sendText(parts[i], i == parts.length - 1), "send fragment");
        }
    }

    /** Sends without waiting for the send to finish, for frames the server may refuse mid-way. */
    public void sendWithoutWaiting(String text) {
        socket.sendText(text, true);
    }

    public void sendChat(String name, String text) {
        send("{\"type\":\"chat\",\"name\":" + quote(name) + ",\"text\":" + quote(text) + "}");
    }

    public void sendBinary(byte[] data) {
        await(socket.sendBinary(ByteBuffer.wrap(data), true), "send binary");
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
        return await(closed, "close");
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        if (paused.compareAndSet(true, false)) {
            socket.request(1);
        }
    }

    /** Closes with 1000 and waits for the server to answer the close. */
    @Override
    public void close() {
        if (closed.isDone() || socket.isOutputClosed()) {
            socket.abort();
            return;
        }
        resume();
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            socket.abort();
        }
    }

    /** Drops the TCP connection without a close frame. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String json = partial.toString();
            partial.setLength(0);
            try {
                events.add(CODEC.decodeEvent(json));
            } catch (Exception e) {
                events.add(new ServerEvent.Refusal("CLIENT COULD NOT PARSE: " + json));
            }
        }
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        events.add(new ServerEvent.Refusal("CLIENT GOT A BINARY FRAME"));
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(1006, String.valueOf(error)));
    }

    private void requestMore(WebSocket webSocket) {
        if (!paused.get()) {
            webSocket.request(1);
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + " took longer than " + WAIT, e);
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
