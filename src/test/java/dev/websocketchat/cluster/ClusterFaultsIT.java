package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.User;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.LogCapture;
import dev.websocketchat.support.ServerJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several standalone instances joined through a real {@code redis-server} on a free port: one
 * chat, one order, one count, one history, and what happens when an instance or Redis dies.
 */
class ClusterFaultsIT {


    @RegisterExtension
    final TestCluster cluster = new TestCluster();
    private final List<ChatClient> clients = new ArrayList<>();
    private static final Logger LOG = Logger.getLogger(ClusterFaultsIT.class.getName());
    private LogCapture capture;

    @AfterEach
    void stopAll() throws Exception {
        if (capture != null) {
            capture.close();
        }
        clients.forEach(ChatClient::close);
    }

    @Test
    void aChatSentToOneInstanceReachesEveryClientOfEveryInstanceOnce() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatServer c = instance();
        ChatClient onA = connected(a);
        ChatClient onB = connected(b);
        ChatClient onC = connected(c);
        drainCounts(onA, onB, onC);

        onB.sendChat("민수", "안녕하세요");

        Chat seenOnA = onA.next(Chat.class);
        assertThat(seenOnA.text()).isEqualTo("안녕하세요");
        assertThat(seenOnA.name()).isEqualTo("민수");
        assertThat(onB.next(Chat.class)).isEqualTo(seenOnA);
        assertThat(onC.next(Chat.class)).isEqualTo(seenOnA);
        for (ChatClient client : List.of(onA, onB, onC)) {
            client.expectSilence(Duration.ofMillis(300));
        }
    }

    @Test
    void joinsAndLeavesCarryTheClusterWideCount() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient first = joined(a, 1);
        ChatClient second = joined(b, 2);
        assertThat(first.next(Join.class).online()).isEqualTo(2);
        ChatClient third = joined(a, 3);
        assertThat(first.next(Join.class).online()).isEqualTo(3);
        assertThat(second.next(Join.class).online()).isEqualTo(3);
        TestCluster.awaitHealth(b, "\"online\":3,\"here\":1");
        ChatServer fresh = instance();
        TestCluster.awaitHealth(fresh, "\"status\":\"UP\",\"online\":3,\"here\":0");

        second.close();

        assertThat(first.next(Leave.class)).isEqualTo(Leave.of(2, "익명"));
        assertThat(third.next(Leave.class)).isEqualTo(Leave.of(2, "익명"));
    }

    @Test
    void historyIsSharedAndResumeWorksOnAnotherInstance() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient sender = joined(a, 1);
        sender.sendChat("a", "one");
        Chat one = sender.next(Chat.class);
        sender.sendChat("a", "two");
        Chat two = sender.next(Chat.class);

        ChatClient late = track(ChatClient.connect(chatUri(b)));
        History history = late.next(History.class);
        assertThat(history.messages()).containsExactly(one, two);
        assertThat(history.complete()).isTrue();

        ChatClient resumed = track(ChatClient.connect(chatUri(b).resolve("chat?since=" + one.id() + "&epoch=" + history.epoch())));
        History missed = resumed.next(History.class);
        assertThat(missed.epoch()).isEqualTo(history.epoch());
        assertThat(missed.complete()).isTrue();
        assertThat(missed.messages()).containsExactly(two);
    }

    @Test
    void concurrentSendersOnDifferentInstancesAreSeenInOneOrderEverywhere() throws Exception {
        List<ChatServer> instances = List.of(instance(), instance(), instance());
        List<ChatClient> readers = new ArrayList<>();
        List<ChatClient> senders = new ArrayList<>();
        for (ChatServer server : instances) {
            readers.add(connected(server));
            senders.add(connected(server));
        }
        readers.forEach(ChatClient::drain);
        int perSender = 100;
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int s = 0; s < senders.size(); s++) {
            ChatClient sender = senders.get(s);
            String name = "sender" + s;
            sending.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perSender; i++) {
                    sender.sendChat(name, Integer.toString(i));
                }
            }));
        }
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        List<List<Chat>> seen = new ArrayList<>();
        for (ChatClient reader : readers) {
            seen.add(TestCluster.chats(reader, senders.size() * perSender));
        }
        List<Chat> first = seen.get(0);
        assertThat(seen.get(1)).isEqualTo(first);
        assertThat(seen.get(2)).isEqualTo(first);
        for (int i = 1; i < first.size(); i++) {
            assertThat(first.get(i).id()).isGreaterThan(first.get(i - 1).id());
        }
        for (int s = 0; s < senders.size(); s++) {
            String name = "sender" + s;
            assertThat(first.stream().filter(chat -> chat.name().equals(name)).map(Chat::text).toList())
                    .as("%s's chats, each once and in the order sent", name)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perSender).mapToObj(Integer::toString).toList());
        }
    }

    @Test
    void anInstanceThatDiesWithoutCleaningUpIsForgottenInEveryRoomWithinTenSeconds() throws Exception {
        ChatServer a = instance();
        ChatClient inLobby = joined(a, 1);
        ChatClient inDesign = joined(roomUri(a.port(), "design", "watcher"), 1);
        ServerJvm doomed = instanceProcess();
        try {
            int port = doomed.root().getPort();
            joined(roomUri(port, "lobby", "영희"), 2);
            joined(roomUri(port, "design", "철수"), 2);
            joined(roomUri(port, "design", "철수"), 3);
            assertThat(inLobby.next(Join.class)).isEqualTo(Join.of(2, "영희"));
            assertThat(inDesign.next(Join.class)).isEqualTo(Join.of(2, "철수"));
            assertThat(inDesign.next(Join.class)).isEqualTo(Join.of(3, "철수"));

            long killed = System.nanoTime();
            doomed.close();
            assertThat(inLobby.next(Leave.class)).isEqualTo(Leave.of(1, "영희"));
            assertThat(inDesign.next(Leave.class)).isEqualTo(Leave.of(2, "철수"));
            assertThat(inDesign.next(Leave.class)).isEqualTo(Leave.of(1, "철수"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            LOG.info(() -> "a killed instance's 3 connections in 2 rooms were announced gone after " + millis + " ms");
            assertThat(millis).isLessThan(10_000);

            ChatClient newcomer = track(ChatClient.connect(roomUri(a.port(), "design", "newcomer")));
            assertThat(newcomer.next(History.class).users()).containsExactly(new User("newcomer", 1), new User("watcher", 1));
        } finally {
            doomed.close();
        }
    }

    /**
     * An instance frozen for longer than it counts as alive (a long GC pause, a suspended VM) is
     * forgotten by the others, and then, when it runs again, finds out from its next heartbeat
     * and brings its connections back: they are announced again, and chats flow both ways.
     */
    @Test
    void anInstanceFrozenForLongerThanItsLifetimeIsForgottenThenComesBackWithItsConnections() throws Exception {
        ChatServer a = instance();
        ChatClient watcher = joined(a, 1);
        ServerJvm frozen = instanceProcess();
        try {
            ChatClient sleeper = joined(roomUri(frozen.root().getPort(), "lobby", "영희"), 2);
            assertThat(watcher.next(Join.class)).isEqualTo(Join.of(2, "영희"));

            signal(frozen.process(), "STOP");
            assertThat(watcher.next(Leave.class)).as("the frozen instance's connection, forgotten").isEqualTo(Leave.of(1, "영희"));
            signal(frozen.process(), "CONT");
            assertThat(watcher.next(Join.class)).as("the same connection, back").isEqualTo(Join.of(2, "영희"));

            sleeper.sendChat("영희", "다시 왔어요");
            assertThat(TestCluster.chats(watcher, 1).get(0).text()).isEqualTo("다시 왔어요");
            watcher.sendChat("watcher", "반가워요");
            assertThat(TestCluster.chats(sleeper, 2).stream().map(Chat::text)).containsExactly("다시 왔어요", "반가워요");
        } finally {
            frozen.close();
        }
    }

    private static void signal(Process process, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    private static URI roomUri(int port, String room, String name) {
        return URI.create("ws://127.0.0.1:" + port + "/chat/" + room + "?name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    @Test
    void whileRedisIsDownChatsWaitAndReachEveryInstanceOnceInOrderWhenItIsBack() throws Exception {
        ChatServer a = instance();
        ChatServer b = instance();
        ChatClient onA = connected(a);
        ChatClient onB = connected(b);
        chatting(onA, onB);
        List<LogRecord> warnings = capture(Level.WARNING);

        cluster.redis().kill();
        TestCluster.awaitHealth(a, "\"status\":\"DEGRADED\"");
        for (int i = 0; i < 20; i++) {
            onA.sendChat("a", "during " + i);
        }
        assertThat(TestCluster.get(b, "health")).contains("\"status\":\"DEGRADED\"");
        onA.expectSilence(Duration.ofMillis(500)); // numbered by nobody yet, so seen by nobody, its sender included
        onB.expectSilence(Duration.ofMillis(100));

        long restarted = System.nanoTime();
        cluster.redis().restart();
        TestCluster.awaitHealth(a, "\"status\":\"UP\"");
        TestCluster.awaitHealth(b, "\"status\":\"UP\"");
        long back = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        LOG.info(() -> "both instances were back in the cluster " + back + " ms after Redis restarted");
        List<String> during = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "during " + i).toList();
        List<Chat> seenOnA = TestCluster.chats(onA, 20);
        assertThat(seenOnA).extracting(Chat::text).containsExactlyElementsOf(during);
        assertThat(TestCluster.chats(onB, 20)).isEqualTo(seenOnA);
        TestCluster.assertIncreasing(seenOnA);
        assertThat(warnings).as("one warning per instance for the whole outage, 20 chats included")
                .hasSize(2)
                .allSatisfy(warning -> assertThat(warning.getMessage()).contains("is unreachable"));

        chatBothWays(onA, onB, "after", "after too");
        onA.expectSilence(Duration.ofMillis(500));
        onB.expectSilence(Duration.ofMillis(300));
    }

    /**
     * Redis frozen (SIGSTOP) in the middle of a conversation on two instances, for longer than a
     * command's timeout: what was sent to it before the stall is run when it wakes, and what was
     * said meanwhile waits. Every chat reaches both instances once, with one id, in one order in
     * which each sender's chats keep theirs.
     */
    @Test
    void aStalledRedisDeliversEveryChatOnceAndInOrder() throws Exception {
        ChatClient onA = connected(instance());
        ChatClient onB = connected(instance());
        chatting(onA, onB);

        int rounds = 60;
        for (int i = 0; i < rounds; i++) {
            if (i == 10) {
                cluster.redis().pause();
            }
            if (i == 40) {
                Thread.sleep(1000); // past the command timeout for what was sent last
                cluster.redis().resume();
            }
            onA.sendChat("a", "a" + i);
            onB.sendChat("b", "b" + i);
            Thread.sleep(100);
        }

        TestCluster.assertEveryChatOnceInOrder(onA, onB, rounds);
    }


    @Test
    void aRedisRestartShorterThanAHeartbeatIsNoticedAndChatsAfterItAreDelivered() throws Exception {
        ChatClient onA = connected(instance());
        ChatClient onB = connected(instance());
        chatting(onA, onB);

        // Restarted empty, its id sequence is back at 0: unnoticed, the next chat would be numbered
        // as one the instances already delivered, and skipped by both.
        List<LogRecord> records = capture(Level.INFO);
        cluster.redis().kill();
        cluster.redis().restart();
        long deadline = System.nanoTime() + TestCluster.RECOVERY.toNanos();
        while (records.stream().filter(record -> record.getMessage().contains("is back")).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(records).as("both instances noticed the restart and resynced")
                .filteredOn(record -> record.getMessage().contains("is back")).hasSize(2);

        chatBothWays(onA, onB, "after", "after too");
    }

    private ChatServer instance() throws Exception {
        return cluster.instance();
    }

    /** An instance in a JVM of its own, to be killed or frozen without any chance to clean up. */
    private ServerJvm instanceProcess() throws IOException {
        return ServerJvm.classes(Map.of("CHAT_RATE_LIMIT", "0", "CHAT_REDIS_URL", cluster.redis().url()));
    }

    /** Connects and takes the history; its join is still to come. */
    private ChatClient connected(ChatServer server) {
        ChatClient client = track(ChatClient.connect(chatUri(server)));
        client.next(History.class);
        return client;
    }

    /** Connects and waits for the join that counts it, {@code online} cluster-wide. */
    private ChatClient joined(ChatServer server, int online) {
        return joined(chatUri(server), online);
    }

    private ChatClient joined(URI chat, int online) {
        ChatClient client = track(ChatClient.connect(chat));
        client.next(History.class);
        TestCluster.awaitJoin(client, online);
        return client;
    }


    private ChatClient track(ChatClient client) {
        clients.add(client);
        return client;
    }

    /** Waits until every client has seen the join that counts them all, and drops the joins. */
    private static void drainCounts(ChatClient... all) {
        for (ChatClient client : all) {
            TestCluster.awaitJoin(client, all.length);
        }
    }


    /** Two clients of two instances that know of each other and have chatted both ways. */
    private static void chatting(ChatClient onA, ChatClient onB) {
        drainCounts(onA, onB);
        chatBothWays(onA, onB, "before", "before too");
    }

    /**
     * A chat from A's client, then one from B's, each reaching both clients exactly once before the
     * next is sent: sent at once to two instances, either may be numbered first.
     */
    private static void chatBothWays(ChatClient onA, ChatClient onB, String fromA, String fromB) {
        onA.sendChat("a", fromA);
        assertThat(chatTexts(onA, fromA)).containsExactly(fromA);
        assertThat(chatTexts(onB, fromA)).containsExactly(fromA);
        onB.sendChat("b", fromB);
        assertThat(chatTexts(onA, fromB)).containsExactly(fromB);
        assertThat(chatTexts(onB, fromB)).containsExactly(fromB);
    }

    /** The texts of the chats the client receives up to and including the one with the given text; counts are skipped. */
    private static List<String> chatTexts(ChatClient client, String last) {
        List<String> texts = new ArrayList<>();
        while (texts.isEmpty() || !texts.get(texts.size() - 1).equals(last)) {
            ServerEvent event = client.next();
            if (event instanceof Chat chat) {
                texts.add(chat.text());
            } else {
                assertThat(event).isInstanceOfAny(Join.class, Leave.class);
            }
        }
        return texts;
    }

    private static URI chatUri(ChatServer server) {
        return LocalServer.chat(server);
    }

    /** The records at or above {@code minimum} the relay logs from now until the test ends. */
    private List<LogRecord> capture(Level minimum) {
        capture = LogCapture.of(RedisLink.class, minimum);
        return capture.records();
    }
}
