package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.Churn;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.OpenedClients;
import dev.websocketchat.support.Scrape;
import dev.websocketchat.support.UserList;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rooms and who is in them across two standalone instances joined through a real
 * {@code redis-server}: a room is one room whichever instance its people are on, and every
 * member's list, kept from its history plus the joins, leaves and renames after it, is the
 * cluster's, through churn on both instances and through an outage of Redis.
 * (ClusterFaultsIT kills an instance and watches it leave every room.)
 */
class ClusterRoomsTest {

    @RegisterExtension
    final TestCluster cluster = new TestCluster();
    private final OpenedClients opened = new OpenedClients();

    @AfterEach
    void stopAll() throws Exception {
        opened.closeAll();
    }

    @Test
    void aRoomIsOneRoomAcrossInstancesWithOneListOfWhoIsHere() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient lobbyOnB = enter(b, "lobby", "로비");
        ChatClient alice = enter(a, "design", "alice");

        ChatClient bob = opened.track(ChatClient.connect(roomUri(b, "design", "bob")));
        History history = bob.next(History.class);
        assertThat(history.users()).containsExactly(new User("alice", 1), new User("bob", 1));
        assertThat(bob.next(Join.class)).isEqualTo(Join.of(2, "bob"));
        assertThat(alice.next(Join.class)).isEqualTo(Join.of(2, "bob"));

        bob.send("{\"type\":\"rename\",\"name\":\"밥\"}");
        assertThat(alice.next(Rename.class)).isEqualTo(new Rename("bob", "밥"));
        assertThat(bob.next(Rename.class)).isEqualTo(new Rename("bob", "밥"));
        bob.send("{\"type\":\"chat\",\"text\":\"hi from b\"}");
        Chat chat = alice.next(Chat.class);
        assertThat(chat.name()).isEqualTo("밥");
        assertThat(bob.next(Chat.class)).isEqualTo(chat);
        assertThat(TestCluster.get(a, "rooms")).isEqualTo("[{\"room\":\"design\",\"online\":2},{\"room\":\"lobby\",\"online\":1}]");

        ChatClient late = opened.track(ChatClient.connect(roomUri(a, "design", "carol")));
        History lateHistory = late.next(History.class);
        assertThat(lateHistory.users()).containsExactly(new User("alice", 1), new User("carol", 1), new User("밥", 1));
        assertThat(lateHistory.messages()).containsExactly(chat);

        bob.close();
        assertThat(alice.next(Join.class)).isEqualTo(Join.of(3, "carol"));
        assertThat(alice.next(Leave.class)).isEqualTo(Leave.of(2, "밥"));
        lobbyOnB.expectSilence(Duration.ofMillis(300));
    }

    /**
     * A chat sent while the newcomer's join is still going round the cluster is kept: it comes
     * after the newcomer's history and own join, to everyone. Redis is kept busy for a second (a
     * script that spins; under the instances' 2 s command timeout), so the chat arrives while the
     * join waits; a machine too slow to connect and send within that second skips the test.
     */
    @Test
    void aChatSentWhileTheJoinGoesRoundIsDeliveredAfterIt() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient watcher = enter(b, "quick", "watcher");
        enter(a, "quick", "early");
        watcher.next(Join.class);
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(cluster.redis().url());
             io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect()) {
            io.lettuce.core.RedisFuture<Object> busy = connection.async().eval(
                    "local t = redis.call('TIME'); local stop = t[1] * 1000000 + t[2] + 1000000; "
                            + "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop; return 1",
                    io.lettuce.core.ScriptOutputType.INTEGER);
            Thread.sleep(50); // the script has started
            ChatClient quick = opened.track(ChatClient.connect(roomUri(a, "quick", "빠른")));
            quick.send("{\"type\":\"chat\",\"text\":\"at once\"}");
            assumeFalse(busy.isDone(), "Redis was no longer busy when the chat was sent");
            assertThat(quick.next(History.class).users())
                    .containsExactly(new User("early", 1), new User("watcher", 1), new User("빠른", 1));
            assertThat(quick.next(Join.class)).isEqualTo(Join.of(3, "빠른"));
            Chat chat = quick.next(Chat.class);
            assertThat(chat.name()).isEqualTo("빠른");
            assertThat(chat.text()).isEqualTo("at once");
            assertThat(watcher.next(Join.class)).isEqualTo(Join.of(3, "빠른"));
            assertThat(watcher.next(Chat.class)).isEqualTo(chat);
        }
    }

    /**
     * Forty random steps on two instances, each a join (a client or a raw socket), a clean leave,
     * a TCP reset or a rename; after each, a watcher on each instance has applied one event, and
     * both lists equal what the test did. Then a newcomer on each instance is told the same list.
     */
    @Test
    void everyListStaysExactThroughRandomChurnOnBothInstances() throws Exception {
        long seed = System.nanoTime();
        List<ChatServer> both = List.of(instance(), instance());
        ChatClient onA = enter(both.get(0), "churn", "watcher");
        ChatClient onB = opened.track(ChatClient.connect(roomUri(both.get(1), "churn", "watcher")));
        UserList seenOnA = UserList.from(List.of(new User("watcher", 1)));
        seenOnA.apply(onA.next(Join.class));
        UserList seenOnB = UserList.from(onB.next(History.class));
        onB.next(Join.class);
        UserList expected = UserList.from(List.of(new User("watcher", 2)));
        assertThat(seenOnA).isEqualTo(expected);
        assertThat(seenOnB).isEqualTo(expected);

        new Churn(seed, opened, (random, name) -> roomUri(both.get(random.nextInt(2)), "churn", name))
                .run(40, List.of(new Churn.Watcher("on A", onA, seenOnA), new Churn.Watcher("on B", onB, seenOnB)), expected);
        for (ChatServer server : both) {
            ChatClient newcomer = opened.track(ChatClient.connect(roomUri(server, "churn", "watcher")));
            UserList told = UserList.from(newcomer.next(History.class));
            told.remove("watcher");
            assertThat(told).as("what a newcomer on port %d is told (seed %d)", server.port(), seed).isEqualTo(expected);
            expected.add("watcher");
        }
    }

    /**
     * While Redis is down each instance serves its own members: their lists keep the others'
     * people as last heard of (still connected, to their own instance) and follow the changes
     * here. Once Redis is back (empty, as after a crash), the leaves and joins that bring every
     * list to the cluster's are delivered, and every list, a newcomer's too, agrees again.
     */
    @Test
    void afterAnOutageEveryListIsBroughtBackToTheCluster() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient onA = enter(a, "ops", "a");
        UserList seenOnA = UserList.from(List.of(new User("a", 1)));
        ChatClient bob = opened.track(ChatClient.connect(roomUri(b, "ops", "bob")));
        bob.next(History.class);
        bob.next(Join.class);
        seenOnA.apply(onA.next(Join.class));

        cluster.redis().kill();
        TestCluster.awaitHealth(a, "DEGRADED");
        TestCluster.awaitHealth(b, "DEGRADED");
        URI onB = LocalServer.root(b);
        Scrape beforeBobLeft = Scrape.of(onB);
        bob.close(); // the close handshake ends before B's room has taken bob out: carol could still be told of him
        assertThat(Scrape.awaitLeaves(onB, beforeBobLeft, 1)).isEqualTo(Map.of("closed", 1));
        ChatClient carol = opened.track(ChatClient.connect(roomUri(b, "ops", "carol")));
        UserList seenByCarol = UserList.from(carol.next(History.class));
        carol.next(Join.class);
        assertThat(seenByCarol).as("on B while Redis is down").isEqualTo(UserList.from(List.of(new User("a", 1), new User("carol", 1))));
        enter(a, "ops", "dave");
        seenOnA.apply(onA.next(Join.class));
        assertThat(seenOnA).as("on A while Redis is down").isEqualTo(UserList.from(List.of(new User("a", 1), new User("bob", 1), new User("dave", 1))));

        cluster.redis().restart();
        TestCluster.awaitHealth(a, "\"status\":\"UP\"");
        TestCluster.awaitHealth(b, "\"status\":\"UP\"");
        UserList cluster = UserList.from(List.of(new User("a", 1), new User("carol", 1), new User("dave", 1)));
        awaitList(onA, seenOnA, cluster);
        awaitList(carol, seenByCarol, cluster);
        for (ChatServer server : List.of(a, b)) {
            UserList told = UserList.from(opened.track(ChatClient.connect(roomUri(server, "ops", "x"))).next(History.class));
            told.remove("x");
            assertThat(told).as("what a newcomer on port %d is told", server.port()).isEqualTo(cluster);
            cluster.add("x");
        }
    }

    /**
     * A room no instance has open any more leaves nothing in Redis after its idle time, so rooms
     * opened and abandoned one after another cannot fill Redis; the lobby's history stays.
     */
    @Test
    void anAbandonedRoomsStateExpiresFromRedisAndTheLobbysStays() throws Exception {
        ChatServer a = cluster.instance(Map.of("chat.room.idle.seconds", "1"));
        ChatClient lobby = enter(a, "lobby", "a");
        lobby.send("kept");
        lobby.next(Chat.class);
        ChatClient passing = enter(a, "passing", "a");
        passing.send("gone with the room");
        passing.next(Chat.class);
        assertThat(keys("chat:{passing}:*")).isNotEmpty();
        passing.close();

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!lasting("chat:{passing}:*").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(lasting("chat:{passing}:*")).as("the room's keys, 15 s after it emptied, but for chats' nonces").isEmpty();
        assertThat(keys("chat:{passing}:sent:*")).as("a nonce, which lasts a minute").hasSize(1);
        assertThat(lasting("chat:{lobby}:*")).contains("chat:{lobby}:history");
    }

    private List<String> keys(String pattern) {
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(cluster.redis().url());
             io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys(pattern);
        }
    }

    /** The keys matching the pattern that exist now, but for chats' nonces, which expire by themselves within a minute. */
    private List<String> lasting(String pattern) {
        return keys(pattern).stream().filter(key -> !key.contains(":sent:")).toList();
    }

    /** Applies the client's presence events to its list until it equals the target; each wait is ChatClient's. */
    private static void awaitList(ChatClient client, UserList list, UserList target) {
        while (!list.equals(target)) {
            ServerEvent event = client.next();
            if (!(event instanceof Chat)) {
                list.apply(event);
            }
        }
    }

    /** A client in the room under the name, its history and own join read. */
    private ChatClient enter(ChatServer server, String room, String name) {
        ChatClient client = opened.track(ChatClient.connect(roomUri(server, room, name)));
        client.next(History.class);
        assertThat(client.next(Join.class).name()).isEqualTo(name);
        return client;
    }

    private static URI roomUri(ChatServer server, String room, String name) {
        return LocalServer.room(server, room, name);
    }

    private ChatServer instance() throws Exception {
        return cluster.instance();
    }

}
