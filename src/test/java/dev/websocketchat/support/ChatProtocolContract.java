package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Typing;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Refusal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Protocol v1 as every deployment must behave: the standalone server and the WAR in each
 * container run these same tests through a subclass that says where the server is.
 *
 * <p>The server under test must be configured with {@link #TEST_SETTINGS}. Every test starts
 * and ends with nobody connected (checked after each test through {@code /health}), so counts
 * can be asserted exactly.
 */
public abstract class ChatProtocolContract extends RoomsContract {

    /** An extra origin the server under test must allow through {@code CHAT_ALLOWED_ORIGINS}. */
    public static final String ALLOWED_ORIGIN = "https://allowed.example.org";
    /** Liveness settings short enough to test: ping every second, idle after ten (long enough that
     * a stalled reader is found as a slow consumer first, even on a slow container). */
    public static final int PING_SECONDS = 1;
    public static final int IDLE_SECONDS = 10;
    /**
     * As system properties, for servers configured that way (the WAR in a container). The rate
     * limit is off, and so are the client address's budgets of bytes, handshakes and rooms: the
     * contract floods on purpose, all from one address; {@code LimitsTest} and {@code BudgetsTest}
     * cover them.
     */
    public static final Map<String, String> TEST_SETTINGS = Map.of(
            "chat.rate.limit", "0",
            "chat.address.bytes", "0",
            "chat.address.handshakes", "0",
            "chat.address.rooms", "0",
            "chat.allowed.origins", ALLOWED_ORIGIN,
            "chat.ping.seconds", String.valueOf(PING_SECONDS),
            "chat.idle.seconds", String.valueOf(IDLE_SECONDS));

    @Test
    void joinAndLeaveAreAnnouncedToEveryoneWithTheLiveCount() {
        ChatClient first = track(ChatClient.connect(chatUri()));
        assertThat(first.next()).isInstanceOf(History.class);
        assertThat(ownJoin(first)).isEqualTo(Join.of(1, "익명"));

        ChatClient second = track(ChatClient.connect(chatUri()));
        assertThat(second.next()).isInstanceOf(History.class);
        Join secondJoin = Join.of(2, "익명");
        assertThat(ownJoin(second)).isEqualTo(secondJoin);
        assertThat(first.next(Join.class)).isEqualTo(secondJoin);

        second.close();
        assertThat(first.next(Leave.class)).isEqualTo(Leave.of(1, "익명"));
    }

    @Test
    void chatReachesEveryoneIncludingTheSenderWithIncreasingIds() {
        ChatClient alice = joined();
        ChatClient bob = joined();
        alice.next(Join.class);

        alice.sendChat("앨리스", "안녕하세요 <b>모두</b>");
        Chat first = alice.next(Chat.class);
        assertThat(bob.next(Chat.class)).isEqualTo(first);
        assertThat(first.name()).isEqualTo("앨리스");
        assertThat(first.text()).isEqualTo("안녕하세요 <b>모두</b>");
        assertThat(first.id()).isPositive();
        assertThat(first.time()).isNotNull();

        bob.sendChat(null, "reply");
        Chat second = bob.next(Chat.class);
        assertThat(alice.next(Chat.class)).isEqualTo(second);
        assertThat(second.name()).isEqualTo("익명");
        assertThat(second.id()).isGreaterThan(first.id());
    }

    @Test
    void plainHelloIsAnAnonymousChat() {
        ChatClient client = joined();
        client.send("Hello");
        Chat hello = client.next(Chat.class);
        assertThat(hello.name()).isEqualTo("익명");
        assertThat(hello.text()).isEqualTo("Hello");
    }

    @Test
    void refusedInputIsAnsweredToTheSenderOnlyAndTheConnectionStaysUsable() throws Exception {
        ChatClient sender = joined();
        ChatClient other = joined();
        sender.next(Join.class);

        Map<String, String> refusals = new HashMap<>();
        refusals.put("{not json", "invalid JSON");
        refusals.put("{\"type\":\"shout\",\"text\":\"hi\"}", "unknown type: shout");
        refusals.put("{\"type\":\"chat\"}", "missing text");
        refusals.put("{\"type\":\"chat\",\"text\":\"  \"}", "text is blank");
        refusals.put("{\"type\":\"chat\",\"text\":\"" + "가".repeat(2001) + "\"}", "text is longer than 2000 characters");
        refusals.put("{\"type\":\"chat\",\"name\":\"" + "n".repeat(33) + "\",\"text\":\"x\"}", "name is longer than 32 characters");
        refusals.put("   ", "text is blank");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            sender.send(refusal.getKey());
            assertThat(sender.next(Refusal.class).reason()).isEqualTo(refusal.getValue());
        }
        other.expectSilence(Duration.ofMillis(300));

        sender.sendChat("kim", "still here");
        assertThat(sender.next(Chat.class).text()).isEqualTo("still here");
        assertThat(other.next(Chat.class).text()).isEqualTo("still here");
    }

    @Test
    void aLateJoinerGetsTheHistoryOldestFirst() {
        ChatClient talker = joined();
        for (int i = 1; i <= 3; i++) {
            talker.sendChat("talker", "message " + i);
            talker.next(Chat.class);
        }
        ChatClient late = track(ChatClient.connect(chatUri()));
        History history = late.next(History.class);
        assertThat(history.messages()).extracting(Chat::text).endsWith("message 1", "message 2", "message 3");
        assertThat(ownJoin(late).online()).isEqualTo(2);
    }

    @Test
    void aClientResumingWithSinceGetsExactlyTheChatsItMissed() {
        ChatClient talker = joined();
        ChatClient leaver = track(ChatClient.connect(chatUri()));
        String epoch = leaver.next(History.class).epoch();
        ownJoin(leaver);
        talker.sendChat("talker", "seen");
        Chat seen = leaver.next(Chat.class);
        leaver.close();
        assertThat(talker.next(Join.class).online()).isEqualTo(2);
        assertThat(talker.next(Chat.class)).isEqualTo(seen);
        assertThat(talker.next(Leave.class).online()).isEqualTo(1);
        List<String> missed = List.of("missed 1", "missed 2", "missed 3");
        for (String text : missed) {
            talker.sendChat("talker", text);
        }

        for (int i = 0; i < missed.size(); i++) {
            talker.next(Chat.class);
        }

        ChatClient back = track(ChatClient.connect(chatUri().resolve("chat?since=" + seen.id() + "&epoch=" + epoch)));
        History resumed = back.next(History.class);
        assertThat(resumed.epoch()).isEqualTo(epoch);
        assertThat(resumed.complete()).isTrue();
        assertThat(resumed.messages()).extracting(Chat::text).containsExactlyElementsOf(missed);
        assertThat(resumed.messages().get(0).id()).isEqualTo(seen.id() + 1);

        ChatClient stranger = track(ChatClient.connect(chatUri().resolve("chat?since=" + seen.id() + "&epoch=another")));
        History full = stranger.next(History.class);
        assertThat(full.complete()).isFalse();
        assertThat(full.messages()).extracting(Chat::text).endsWith("seen", "missed 1", "missed 2", "missed 3");
    }

    @Test
    void concurrentSendersAreSeenByEveryReceiverExactlyOnceInOneOrder() throws Exception {
        int clients = 20;
        int senders = 5;
        int perSender = 200;
        List<ChatClient> everyone = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            everyone.add(joined());
        }
        for (int i = 0; i < clients; i++) {
            for (int j = i + 1; j < clients; j++) {
                everyone.get(i).next(Join.class);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders + clients);
        try {
            List<Future<List<Chat>>> received = new ArrayList<>();
            for (ChatClient client : everyone) {
                received.add(pool.submit(() -> IntStream.range(0, senders * perSender)
                        .mapToObj(i -> client.next(Chat.class)).toList()));
            }
            for (int s = 0; s < senders; s++) {
                ChatClient sender = everyone.get(s);
                String name = "sender" + s;
                pool.submit(() -> {
                    for (int n = 0; n < perSender; n++) {
                        sender.sendChat(name, String.valueOf(n));
                    }
                    return null;
                });
            }
            List<Chat> reference = received.get(0).get(60, TimeUnit.SECONDS);
            assertInSenderOrder(reference, senders, perSender);
            assertThat(reference).extracting(Chat::id).isSorted().doesNotHaveDuplicates();
            for (Future<List<Chat>> other : received) {
                assertThat(other.get(60, TimeUnit.SECONDS)).isEqualTo(reference);
            }
        } finally {
            pool.shutdownNow();
        }
        for (ChatClient client : everyone) {
            client.expectSilence(Duration.ZERO);
        }
    }

    /**
     * The kernel's send buffer takes the first megabytes for a stalled peer (on Linux loopback it
     * autotunes up to {@code net.ipv4.tcp_wmem}'s maximum, 4 MiB), so only what comes after backs
     * up into the server's own queue. The reader floods in rounds of 500 (at least the 3000 that
     * the requirement names) until the stalled peer is evicted, and must get every message. A
     * round is half of what the reader's own queue may hold ({@code chat.send.queue.bytes}, 1 MiB):
     * the server may read a whole round before it has written any of its echoes, and a round of
     * 1000 (1.06 MB of frames) once got the reader itself evicted by a Payara slower than usual.
     */
    @Test
    void aClientThatStopsReadingDelaysNobodyAndIsClosedAsASlowConsumer() throws Exception {
        ChatClient reader = joined();
        RawWebSocket stalled = track(RawWebSocket.open(chatUri(), 8 * 1024));
        assertThat(reader.next(Join.class).online()).isEqualTo(2);
        Scrape before = Scrape.of(applicationUri());

        String kilobyte = "x".repeat(1000);
        int round = 500;
        int least = 3000;
        int most = 30_000; // Payara buffers sends itself and needed 12,000 (10 s) once: a bound, not a budget
        List<ServerEvent> notices = new ArrayList<>();
        long started = System.nanoTime();
        int sent = 0;
        while (sent < least || notices.isEmpty() && sent < most) {
            for (int i = 0; i < round; i++) {
                reader.send(kilobyte);
            }
            sent += round;
            stillHere(stalled);
            for (int chats = 0; chats < round; ) {
                ServerEvent event = reader.next();
                if (event instanceof Chat) {
                    chats++;
                } else {
                    notices.add(event);
                }
            }
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO,
                "{0} x 1 KB reached the reading client in {1} ms; the stalled one was evicted after {2}",
                sent, elapsedMillis, notices);
        assertThat(notices).containsExactly(Leave.of(1, "익명"));
        assertThat(stalled.awaitCloseCode()).isEqualTo(1013);
        awaitOnline(1);
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 1)).isEqualTo(Map.of("slow_consumer", 1));
    }

    /**
     * An unsolicited pong (RFC 6455 5.5.3) from a client that reads nothing: it counts as heard,
     * so only its full queue can get it closed, never the idle timeout (a container that buffers
     * sends itself, as Payara does, can take longer than {@value #IDLE_SECONDS} s to fill it).
     */
    private static void stillHere(RawWebSocket stalled) {
        try {
            stalled.sendFrame(0xA, new byte[0], true, true);
        } catch (IOException evictedAlready) {
            // the server has closed it: what the test waits for
        }
    }

    @Test
    void aTcpResetProducesOneLeaveWithTheRightCount() throws Exception {
        ChatClient observer = joined();
        RawWebSocket raw = RawWebSocket.open(chatUri());
        assertThat(observer.next(Join.class).online()).isEqualTo(2);
        Scrape before = Scrape.of(applicationUri());
        raw.reset();
        assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        observer.expectSilence(Duration.ofMillis(300));
        awaitOnline(1);
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 1)).isEqualTo(Map.of("reset", 1));
    }

    /**
     * A peer that sends its close frame and resets the socket before the server's answer goes out
     * closed the connection itself: the server reads the frame before the reset, and its answer
     * or its next read then fails (Tomcat and Undertow report that to {@code @OnError} before
     * their {@code @OnClose}; see {@code Containers.closeFollows}).
     */
    @Test
    void aCloseFrameFollowedByAResetCountsAsAClose() throws Exception {
        ChatClient observer = joined();
        Scrape before = Scrape.of(applicationUri());
        for (int i = 0; i < 10; i++) {
            RawWebSocket raw = RawWebSocket.open(chatUri());
            assertThat(raw.readUntil(text -> text.startsWith("{\"type\":\"join\""))).as("its own join").isTrue();
            assertThat(observer.next(Join.class).online()).isEqualTo(2);
            raw.sendFrame(0x8, new byte[] {0x03, (byte) 0xE8}, true, true);
            raw.reset();
            assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        }
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 10)).isEqualTo(Map.of("closed", 10));
    }

    @Test
    void sixtyConnectsThenSixtyCleanOrResetDisconnectsLeaveTheCountUnchanged() throws Exception {
        ChatClient observer = joined();
        List<ChatClient> clean = java.util.Collections.synchronizedList(new ArrayList<>());
        List<RawWebSocket> reset = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> connecting = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                connecting.add(pool.submit(() -> clean.add(track(ChatClient.connect(chatUri())))));
                connecting.add(pool.submit(() -> reset.add(track(RawWebSocket.open(chatUri())))));
            }
            for (Future<?> future : connecting) {
                future.get(ChatClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(countsOf(observer, Join.class, 60)).last().isEqualTo(61);

            List<Future<?>> leaving = new ArrayList<>();
            for (ChatClient client : List.copyOf(clean)) {
                leaving.add(pool.submit(client::close));
            }
            for (RawWebSocket raw : List.copyOf(reset)) {
                leaving.add(pool.submit(() -> {
                    raw.reset();
                    return null;
                }));
            }
            for (Future<?> future : leaving) {
                future.get(ChatClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(countsOf(observer, Leave.class, 60)).last().isEqualTo(1);
        observer.expectSilence(Duration.ofMillis(500));
        awaitOnline(1);
    }

    /**
     * Whether this deployment refuses a foreign origin with HTTP 403 for certain; otherwise it may
     * upgrade first and close with 1008 (the standard WebSocket API cannot refuse a handshake).
     */
    protected boolean refusesForeignOriginsWith403() {
        return false;
    }

    /**
     * Why this run leaves out the idle-timeout test (15 s of waiting), or null to run it: a
     * deployment that pings and sweeps exactly as one that runs it already does.
     */
    protected String idleTimeoutProvenElsewhere() {
        return null;
    }

    @Test
    void aForeignOriginIsRefusedAndNeverCounted() throws Exception {
        ChatClient observer = joined();
        int status = ChatClient.handshakeStatus(chatUri(), "http://evil.example");
        if (refusesForeignOriginsWith403()) {
            assertThat(status).isEqualTo(403);
        }
        if (status == 101) {
            // refused after the upgrade, where the container gives no other way: 1008, before any event
            ChatClient refused = ChatClient.connect(chatUri(), "http://evil.example");
            assertThat(refused.awaitClose().code()).isEqualTo(1008);
            assertThat(refused.drain()).isEmpty();
        } else {
            assertThat(status).isEqualTo(403);
        }
        observer.expectSilence(Duration.ofMillis(500));
        assertThat(online()).isEqualTo(1);
    }

    @Test
    void theServersOwnOriginAndListedOriginsAreAccepted() {
        for (String origin : List.of(ownOrigin(), ALLOWED_ORIGIN)) {
            ChatClient client = track(ChatClient.connect(chatUri(), origin));
            assertThat(client.next()).as(origin).isInstanceOf(History.class);
            ownJoin(client);
            client.close();
        }
    }

    @Test
    void originsAreJudgedPerConnectionEvenWhenHandshakesOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> admitted = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String origin = i % 2 == 0 ? ownOrigin() : "http://evil" + i + ".example";
                admitted.add(pool.submit(() -> {
                    if (ChatClient.handshakeStatus(chatUri(), origin) == 403) {
                        return false;
                    }
                    try (ChatClient client = ChatClient.connect(chatUri(), origin)) {
                        ServerEvent first = client.nextOrClose();
                        if (first == null) {
                            assertThat(client.awaitClose().code()).isEqualTo(1008);
                        }
                        return first instanceof History;
                    }
                }));
            }
            for (int i = 0; i < admitted.size(); i++) {
                assertThat(admitted.get(i).get(60, TimeUnit.SECONDS)).as("connection %d", i).isEqualTo(i % 2 == 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009HoweverLargeItIs() throws InterruptedException {
        ChatClient observer = joined();
        Scrape before = Scrape.of(applicationUri());
        for (int size : List.of(64 * 1024 + 1, 64 * 1024 + 20, 90_000, 900_000)) {
            ChatClient big = joined();
            observer.next(Join.class);
            big.sendWithoutWaiting("x".repeat(size));
            assertThat(big.awaitClose().code()).as("%d bytes", size).isEqualTo(1009);
            assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        }
        ChatClient fragmented = joined();
        observer.next(Join.class);
        fragmented.sendFragmented("x".repeat(40_000), "x".repeat(40_000));
        assertThat(fragmented.awaitClose().code()).as("two fragments of 40 000 bytes").isEqualTo(1009);
        assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 5)).isEqualTo(Map.of("too_big", 5));
    }

    /**
     * Longer than the container's buffer for a message (1,024 characters: the endpoint takes
     * messages in parts), in one frame and in three, cut nowhere near a frame's end.
     */
    @Test
    void aLongMessageArrivesWholeInOneFrameOrMany() {
        ChatClient observer = joined();
        ChatClient sender = joined();
        observer.next(Join.class);
        String text = "가나다라 마바사😀".repeat(160); // 1,440 code points, 1,600 chars, 4,160 bytes of UTF-8
        sender.sendChat("긴 글", text);
        assertThat(observer.next(Chat.class).text()).isEqualTo(text);
        String json = "{\"type\":\"chat\",\"name\":\"긴 글\",\"text\":\"" + text + "\"}";
        int first = 700;
        int second = 1500;
        assertThat(Character.isHighSurrogate(json.charAt(first - 1)) || Character.isHighSurrogate(json.charAt(second - 1)))
                .as("no part ends inside a surrogate pair").isFalse();
        sender.sendFragmented(json.substring(0, first), json.substring(first, second), json.substring(second));
        assertThat(observer.next(Chat.class).text()).isEqualTo(text);
        assertThat(sender.next(Chat.class).text()).isEqualTo(text);
    }

    /**
     * {@code {"type":"typing"}} reaches everyone else in the room as {@code {"type":"typing","name":…}},
     * never the typist; a second one within two seconds is dropped without a word.
     */
    @Test
    void typingIsShownToTheOthersAtMostOnceEveryTwoSeconds() {
        ChatClient reader = joined();
        ChatClient typist = track(ChatClient.connect(chatUri()));
        typist.next(History.class);
        String name = ownJoin(typist).name();
        reader.next(Join.class);
        typist.send("{\"type\":\"typing\"}");
        typist.send("{\"type\":\"typing\"}");
        typist.sendChat(name, "typed");
        assertThat(reader.next(Typing.class)).isEqualTo(new Typing(name));
        assertThat(reader.next(Chat.class).text()).as("after one notice: the second, within 2 s, was dropped").isEqualTo("typed");
        assertThat(typist.next(Chat.class).text()).as("no notice of its own typing").isEqualTo("typed");
    }

    @Test
    void aBinaryFrameClosesWith1003() throws InterruptedException {
        ChatClient observer = joined();
        Scrape before = Scrape.of(applicationUri());
        for (int size : List.of(3, 5_000)) {
            ChatClient binary = joined();
            observer.next(Join.class);
            binary.sendBinary(new byte[size]);
            assertThat(binary.awaitClose().code()).as("%d bytes", size).isEqualTo(1003);
            assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        }
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 2)).isEqualTo(Map.of("unsupported_data", 2));
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAfterTheIdleTimeout() throws Exception {
        assumeTrue(idleTimeoutProvenElsewhere() == null, this::idleTimeoutProvenElsewhere);
        ChatClient observer = joined();
        RawWebSocket silent = track(RawWebSocket.open(chatUri()));
        assertThat(observer.next(Join.class).online()).isEqualTo(2);
        Scrape before = Scrape.of(applicationUri());
        long started = System.nanoTime();
        assertThat(observer.next(Leave.class).online()).isEqualTo(1);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(waited).as("closed by the idle limit, not earlier").isBetween((IDLE_SECONDS - 1) * 1000L, (IDLE_SECONDS + 10) * 1000L);
        // the observer answered every ping meanwhile and is still here
        observer.expectSilence(Duration.ofSeconds(3)); // swept within a second of the silent one, had it been idle too
        assertThat(online()).isEqualTo(1);
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 1)).isEqualTo(Map.of("idle", 1));
    }

    @Test
    void healthReportsTheOnlineCountAsJson() throws Exception {
        HttpResponse<String> idle = get("health");
        assertThat(idle.statusCode()).isEqualTo(200);
        assertThat(idle.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(idle.body()).isEqualTo("{\"status\":\"UP\",\"online\":0,\"here\":0}");
        joined();
        assertThat(get("health").body()).isEqualTo("{\"status\":\"UP\",\"online\":1,\"here\":1}");
    }

    @Test
    void afterRandomValidAndInvalidFramesClosesAndResetsTheServerIsHealthyAndExact() throws Exception {
        long seed = System.nanoTime();
        int fuzzers = 8;
        List<ChatClient> readers = List.of(joined(), joined(), joined());
        awaitOnline(readers.size());
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(fuzzers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < fuzzers; i++) {
                Fuzzer fuzzer = new Fuzzer(chatUri(), seed + i, "f" + i, accepted);
                runs.add(pool.submit(() -> {
                    fuzzer.run(20);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        awaitOnline(readers.size());
        String end = Fuzzer.MARK + "end " + seed;
        readers.get(0).sendChat("reader", end);
        List<List<String>> heard = new ArrayList<>();
        for (ChatClient reader : readers) {
            // Read to the end and on until the count is the readers' again: a fuzzer's connection whose handshake
            // the server had not read yet when the count first read 3 is opened late, and joins and leaves around the
            // end. A count that never comes back, or a leave never announced, fails next()'s bounded wait.
            List<String> chats = new ArrayList<>();
            int lastCount = -1;
            boolean ended = false;
            while (!ended || lastCount != readers.size()) {
                ServerEvent event = reader.next();
                if (event instanceof Chat chat && chat.text().equals(end)) {
                    ended = true;
                } else if (event instanceof Chat chat) {
                    chats.add(chat.text());
                } else if (event instanceof Join join) {
                    lastCount = join.online();
                } else if (event instanceof Leave leave) {
                    lastCount = leave.online();
                }
            }
            heard.add(chats);
        }
        assertThat(heard.get(0)).as("seed %d: every accepted chat", seed).containsAll(accepted)
                .allSatisfy(text -> assertThat(text).startsWith(Fuzzer.MARK)).doesNotHaveDuplicates();
        assertThat(heard).as("seed %d: the same chats in the same order for every reader", seed).allSatisfy(chats ->
                assertThat(chats).isEqualTo(heard.get(0)));
        awaitOnline(readers.size());
        assertThat(get("health").body()).isEqualTo("{\"status\":\"UP\",\"online\":3,\"here\":3}");
    }

    /**
     * Pongs answered in the middle of a flood of chats to the same connection: every chat still
     * arrives once, in order. (In Tomcat a pong holds the endpoint's write permit, and a batch
     * that finds it taken goes through the API instead: TomcatTransport.)
     */
    @Test
    void aClientThatKeepsPingingGetsEveryChatOnceInOrder() throws Exception {
        int chats = 1000;
        RawWebSocket pinger = track(RawWebSocket.open(chatUri()));
        ChatClient sender = joined();
        List<String> heard = new ArrayList<>();
        boolean all;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService pinging = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> pings = pinging.submit(() -> {
                int sent = 0;
                while (!stop.get()) {
                    pinger.sendPing(new byte[] {(byte) sent});
                    if (++sent % 20 == 0) {
                        Thread.sleep(1);
                    }
                }
                return sent;
            });
            for (int i = 0; i < chats; i++) {
                sender.sendChat("pinged", "p" + i);
            }
            java.util.regex.Pattern chat = java.util.regex.Pattern.compile("^\\{\"type\":\"chat\".*\"text\":\"(p\\d+)\"");
            all = pinger.readUntil(text -> {
                java.util.regex.Matcher matcher = chat.matcher(text);
                if (matcher.find()) {
                    heard.add(matcher.group(1));
                }
                return heard.size() == chats;
            });
            stop.set(true);
            assertThat(pings.get(10, TimeUnit.SECONDS)).as("pings sent meanwhile").isPositive();
        } finally {
            stop.set(true);
            pinging.shutdownNow();
        }
        assertThat(all).as("the connection stayed open to the last chat").isTrue();
        assertThat(heard).containsExactlyElementsOf(IntStream.range(0, chats).mapToObj(i -> "p" + i).toList());
    }

    /** A browser always offers permessage-deflate; the server declines it (see HandshakeCapture) and chats flow uncompressed. */
    @Test
    void permessageDeflateIsDeclinedAndChatsStillFlow() throws Exception {
        try (RawWebSocket raw = track(RawWebSocket.connect(chatUri(), 0))) {
            URI uri = chatUri();
            String head = raw.handshake(uri, "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
            assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
            ChatClient other = joined();
            other.sendChat("deflate", "plain");
            assertThat(raw.readUntil(text -> text.contains("\"text\":\"plain\""))).as("the chat, as plain text frames").isTrue();
        }
    }

    @Test
    void metricsCountJoinsChatsRefusalsDeliveriesAndLeaves() throws Exception {
        Scrape before = Scrape.of(applicationUri());
        ChatClient stays = joined();
        ChatClient leaves = joined();
        stays.next(Join.class);
        stays.sendChat("stays", "counted");
        stays.next(Chat.class);
        leaves.next(Chat.class);
        leaves.send("{not json");
        assertThat(leaves.next(Refusal.class)).isEqualTo(new Refusal("invalid_json", "invalid JSON", null));
        leaves.close();
        stays.next(Leave.class);

        // 5 frames to the one that stays (history, 2 joins, chat, leave), 4 to the other (history, join, chat, error)
        Scrape after = awaitScrape(scrape -> scrape.since(before, "chat_deliveries_total") >= 9);
        assertThat(after.since(before, "chat_deliveries_total")).isEqualTo(9);
        assertThat(after.since(before, "chat_joins_total")).isEqualTo(2);
        assertThat(after.since(before, "chat_chats_received_total")).isEqualTo(1);
        assertThat(after.since(before, "chat_broadcast_seconds_count")).isEqualTo(1);
        assertThat(after.since(before, "chat_rejected_total{reason=\"invalid_json\"}")).isEqualTo(1);
        assertThat(after.leavesSince(before)).as("a close frame").isEqualTo(Map.of("closed", 1));
        String writes = writesFrames() ? "frames" : "messages";
        String other = writesFrames() ? "messages" : "frames";
        assertThat(after.since(before, "chat_connections_opened_total{writes=\"" + writes + "\"}"))
                .as("connections whose frames leave as %s", writes).isEqualTo(2);
        assertThat(after.since(before, "chat_connections_opened_total{writes=\"" + other + "\"}")).isZero();
        assertThat(after.value("chat_connections")).isEqualTo(1);
        assertThat(after.value("chat_queue_bytes")).isGreaterThanOrEqualTo(0);
        assertThat(after.samples()).as("JVM heap gauges").anySatisfy((series, value) ->
                assertThat(series).startsWith("jvm_memory_used_bytes{area=\"heap\""));
    }

    /**
     * Whether the server writes frames encoded once per broadcast and batched, past the API: the
     * standalone server always, a WAR unless {@code CHAT_CONTAINER_WRITES} is false.
     */
    protected boolean writesFrames() {
        return true;
    }

    /** Scrapes {@code /metrics} until the condition holds; fails after the client wait. */
    private Scrape awaitScrape(java.util.function.Predicate<Scrape> condition) throws InterruptedException {
        long deadline = System.nanoTime() + ChatClient.WAIT.toNanos();
        Scrape scrape = Scrape.of(applicationUri());
        while (!condition.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            scrape = Scrape.of(applicationUri());
        }
        return scrape;
    }

    @Test
    void thePageIsServedAtTheApplicationRootWithSecurityHeaders() throws Exception {
        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("charset=\"utf-8\"");
        assertThat(page.body()).contains("전송", "Hello", "chat.js");
        assertThat(get("chat.js").statusCode()).isEqualTo(200);
        for (HttpResponse<String> response : List.of(page, get("chat.js"), get("health"), get("metrics"))) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'"));
        }
    }

    /** Reads {@code n} events of one kind and returns their counts in arrival order. */
    private static List<Integer> countsOf(ChatClient client, Class<? extends ServerEvent> type, int n) {
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerEvent event = client.next(type);
            counts.add(event instanceof Join join ? join.online() : ((Leave) event).online());
        }
        return counts;
    }

    private static void assertInSenderOrder(List<Chat> chats, int senders, int perSender) {
        assertThat(chats).hasSize(senders * perSender);
        for (int s = 0; s < senders; s++) {
            String name = "sender" + s;
            assertThat(chats.stream().filter(chat -> chat.name().equals(name)).map(Chat::text))
                    .as(name).containsExactlyElementsOf(IntStream.range(0, perSender).mapToObj(String::valueOf).toList());
        }
    }
}
