package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RedisServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free port and the standalone instances of one test joined
 * through it, on loopback and ephemeral ports, without a rate limit: a JUnit extension
 * ({@code @RegisterExtension}) that starts Redis before each test (or skips it where none is
 * installed, outside CI) and closes everything after it, once the test's own {@code @AfterEach}
 * has closed its clients.
 */
final class TestCluster implements BeforeEachCallback, AfterEachCallback {

    /** How long an instance may take to rejoin after an outage. */
    static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ChatServer> servers = new ArrayList<>();
    private RedisServer redis;

    @Override
    public void beforeEach(ExtensionContext test) throws Exception {
        redis = RedisServer.start();
    }

    /** This test's Redis. */
    RedisServer redis() {
        return redis;
    }

    /** A new instance in this JVM, with settings on top of the cluster's ({@code chat.*} property names). */
    ChatServer instance(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("chat.rate.limit", "0", "chat.address.bytes", "0",
                "chat.address.handshakes", "0", "chat.address.rooms", "0", "chat.redis.url", redis.url()));
        all.putAll(settings);
        ChatServer server = LocalServer.start(all);
        servers.add(server);
        return server;
    }

    ChatServer instance() throws Exception {
        return instance(Map.of());
    }

    /** The body of {@code GET /path} on the instance. */
    static String get(ChatServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(LocalServer.root(server).resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls {@code /health} until its answer contains the fragment, for at most {@link #RECOVERY}. */
    static void awaitHealth(ChatServer server, String fragment) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        String last = get(server, "health");
        while (!last.contains(fragment) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = get(server, "health");
        }
        assertThat(last).as("health within " + RECOVERY).contains(fragment);
    }

    @Override
    public void afterEach(ExtensionContext test) throws Exception {
        servers.forEach(ChatServer::close);
        servers.clear();
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * Takes joins up to the one with the given count. Earlier, smaller ones may come first: a join
     * published by another instance just before this client was admitted can reach its own
     * instance just after, and every instance delivers the cluster's events in the one order.
     */
    static void awaitJoin(ChatClient client, int online) {
        while (true) {
            Join join = client.next(Join.class);
            if (join.online() == online) {
                return;
            }
            assertThat(join.online()).as("an earlier join").isLessThan(online);
        }
    }

    /** The next {@code count} chats the client receives, skipping every other event; each wait bounded by the client's. */
    static List<Chat> chats(ChatClient reader, int count) {
        List<Chat> chats = new ArrayList<>();
        while (chats.size() < count) {
            ServerEvent event = reader.next();
            if (event instanceof Chat chat) {
                chats.add(chat);
            }
        }
        return chats;
    }

    static void assertIncreasing(List<Chat> chats) {
        for (int i = 1; i < chats.size(); i++) {
            assertThat(chats.get(i).id()).as("ids increase").isGreaterThan(chats.get(i - 1).id());
        }
    }

    /**
     * What a conversation of {@code rounds} chats from "a" ("a0", "a1", …) and as many from "b" must
     * come to, whatever Redis did meanwhile: both clients get all of them, in one order, with ids
     * increasing, each sender's once and in the order sent; then nothing more.
     */
    static void assertEveryChatOnceInOrder(ChatClient onA, ChatClient onB, int rounds) throws InterruptedException {
        assertOneConversation(onA, onB, rounds, "");
        onA.expectSilence(Duration.ofMillis(300));
        onB.expectSilence(Duration.ofMillis(100));
    }

    /** As {@link #assertEveryChatOnceInOrder}, but for the silence after it, which the caller checks; {@code where} names the room. */
    static void assertOneConversation(ChatClient onA, ChatClient onB, int rounds, String where) {
        List<Chat> seenOnA = chats(onA, 2 * rounds);
        assertThat(chats(onB, 2 * rounds)).as("one order everywhere%s", where).isEqualTo(seenOnA);
        assertIncreasing(seenOnA);
        List<String> inOrder = IntStream.range(0, rounds).mapToObj(Integer::toString).toList();
        for (String sender : List.of("a", "b")) {
            assertThat(seenOnA.stream().filter(chat -> chat.name().equals(sender)).map(chat -> chat.text().substring(1)).toList())
                    .as("%s's chats%s, each once and in the order sent", sender, where)
                    .containsExactlyElementsOf(inOrder);
        }
    }
}
