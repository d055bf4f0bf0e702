package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;

/**
 * The server under test, as the contracts ({@link RoomsContract}, {@link ChatProtocolContract})
 * reach it: where it is, clients that are closed after each test, and its counts through
 * {@code /health}. Every test starts and ends with nobody connected, so counts can be asserted exactly.
 */
public abstract class ServerContract {

    /** HTTP/1.1 as browsers speak it over plain HTTP (the JDK default would first try an h2c upgrade). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OpenedClients opened = new OpenedClients();

    /** The application root, ending in {@code /}: {@code http://127.0.0.1:port/} or {@code .../context/}. */
    protected abstract URI applicationUri();

    protected URI chatUri() {
        URI app = applicationUri();
        return URI.create("ws" + app.toString().substring("http".length())).resolve("chat");
    }

    protected String ownOrigin() {
        URI app = applicationUri();
        return app.getScheme() + "://" + app.getHost() + ":" + app.getPort();
    }

    @AfterEach
    void everyoneLeaves() throws Exception {
        opened.closeAll();
        awaitOnline(0);
    }

    /** The socket of a named room: {@code .../chat/{room}}, with the query (such as {@code name=...}) if not null. */
    protected URI roomUri(String room, String query) {
        URI chat = chatUri();
        return URI.create(chat + "/" + room + (query == null ? "" : "?" + query));
    }

    /** {@code name=...}, encoded for a query. */
    protected static String named(String name) {
        return "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }



    protected ChatClient joined() {
        ChatClient client = track(ChatClient.connect(chatUri()));
        client.next(History.class);
        ownJoin(client);
        return client;
    }

    /**
     * A newcomer's own join, the next event after its history, on every target: in a cluster the
     * history waits until the join has gone round, so nothing comes between them there either.
     */
    protected Join ownJoin(ChatClient newcomer) {
        ServerEvent event = newcomer.next();
        assertThat(event).as("the newcomer's own join").isInstanceOf(Join.class);
        return (Join) event;
    }

    /** What this test opened, closed after it. */
    protected OpenedClients opened() {
        return opened;
    }

    protected <T extends AutoCloseable> T track(T client) {
        return opened.track(client);
    }

    protected int online() throws IOException, InterruptedException {
        String body = get("health").body();
        return Integer.parseInt(body.replaceAll(".*\"online\":(\\d+).*", "$1"));
    }

    /** Polls {@code /health} until it reports the count; fails after the client wait. */
    protected void awaitOnline(int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ChatClient.WAIT.toNanos();
        int actual = online();
        while (actual != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            actual = online();
        }
        assertThat(actual).as("online count").isEqualTo(expected);
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(applicationUri().resolve(path)).timeout(ChatClient.WAIT).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
