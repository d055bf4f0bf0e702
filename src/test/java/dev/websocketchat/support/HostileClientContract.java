package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks one client can make, as every deployment must withstand them: the standalone server
 * and the WAR in each container run these through a subclass, configured with
 * {@link ChatProtocolContract#TEST_SETTINGS} (rate limit off, so only the bounds stop a flood).
 * Each test asserts what two victims see (their chats keep flowing, counts exact) and what the
 * server holds afterwards: no session, and where the target can count them, no socket, left over.
 */
public abstract class HostileClientContract {

    /** How long a server may take to end a connection it gave up on: the idle limit (10 s), the close timeout (5 s) and Tomcat's 10 s background check, with room to spare. */
    protected static final Duration GONE_WITHIN = Duration.ofSeconds(30);
    /** {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} as the server under test must have it: the default. */
    protected static final int PER_ADDRESS_LIMIT = 100;
    /** Chats sent only to fill queues start with this; every other chat must arrive in order. */
    private static final String FILLER = "filler....";

    private final OpenedClients opened = new OpenedClients();
    private final java.util.Map<ChatClient, java.util.Queue<ServerEvent>> presence = new java.util.HashMap<>();
    protected ChatClient alice;
    protected ChatClient bob;
    private Scrape before;

    /** The application root, ending in {@code /}. */
    protected abstract URI applicationUri();

    /** Whether the target refuses a bad handshake with an HTTP status (the WAR's filter) rather than a close (1008). */
    protected abstract boolean refusesHandshakesWithHttpStatus();

    protected URI chatUri() {
        URI app = applicationUri();
        return URI.create("ws" + app.toString().substring("http".length())).resolve("chat");
    }

    @BeforeEach
    void victimsJoin() {
        alice = track(ChatClient.joined(chatUri()));
        bob = track(ChatClient.joined(chatUri()));
        assertThat(alice.next(Join.class).online()).isEqualTo(2);
        before = Scrape.of(applicationUri());
    }

    @AfterEach
    void everyoneLeaves() throws Exception {
        opened.closeAll();
        awaitNobody(); // so that the next test's victims see their own joins first, not these leaves
        afterAttack();
    }

    private void awaitNobody() throws InterruptedException {
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        double online = Scrape.of(applicationUri()).value("chat_connections");
        while (online > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            online = Scrape.of(applicationUri()).value("chat_connections");
        }
        assertThat(online).as("connections once every client of the test has gone").isZero();
    }

    @Test
    void everyHttpPathRefusesAHostItDoesNotAnswerToAndReportsAnswerOnlyGetAndHead() {
        URI app = applicationUri();
        String own = RawHttp.ownHost(app);
        for (String path : List.of("", "health", "metrics", "rooms")) {
            assertThat(RawHttp.status(app, "GET", path, "attacker.example")).as("/%s for a rebinding host", path).isEqualTo(403);
            assertThat(RawHttp.status(app, "GET", path, own)).as("/%s", path).isEqualTo(200);
        }
        for (String method : List.of("POST", "PUT", "DELETE")) {
            assertThat(RawHttp.status(app, method, "metrics", own)).as(method).isEqualTo(405);
        }
        assertThat(RawHttp.status(app, "HEAD", "health", own)).isEqualTo(200);
        String post = RawHttp.head(app, "POST", app.getRawPath() + "chat", "Host: " + own + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
        assertThat(post).as("a handshake must be a GET").startsWith("HTTP/1.1 400");
        assertThat(alice.isClosed()).isFalse();
    }

    /**
     * The bodies are the application's own; a container may still name itself in a header (Payara
     * Micro's {@code Server: Payara Micro}, which its {@code server-header} setting turns off), but
     * never with its version.
     */
    @Test
    void errorPagesNameNoServerAndNoHeaderGivesItsVersion() {
        URI app = applicationUri();
        String own = "Host: " + RawHttp.ownHost(app) + "\r\n";
        List<String> answers = List.of(RawHttp.exchange(app, "GET", app.getRawPath() + "no-such-page", own),
                RawHttp.exchange(app, "POST", app.getRawPath() + "metrics", own),
                RawHttp.exchange(app, "GET", app.getRawPath() + "health", "Host: attacker.example\r\n"));
        assertThat(answers).extracting(answer -> answer.substring(0, 12))
                .containsExactly("HTTP/1.1 404", "HTTP/1.1 405", "HTTP/1.1 403");
        for (String answer : answers) {
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).toLowerCase(java.util.Locale.ROOT);
            assertThat(body).as(answer).doesNotContain("tomcat", "grizzly", "undertow", "wildfly", "payara", "glassfish", "exception");
            assertThat(answer).as(answer).doesNotContainPattern("(?i)(tomcat|grizzly|undertow|wildfly|payara|glassfish)[^\r\n]{0,20}\\d");
        }
    }

    /**
     * Why the target cannot stop a client that floods pings and never reads, or null where it
     * can. Such a test is skipped with the reason, never passed.
     */
    protected String cannotStopAPingFlood() {
        return null;
    }

    /** Why the target cannot refuse an unmasked client frame (RFC 6455 5.1), or null where it does. */
    protected String acceptsUnmaskedFrames() {
        return null;
    }

    /**
     * How the leave of a ping flooder that reads nothing may be counted: the standalone server cuts
     * it off when the pongs waiting for it pass their bound, as a slow consumer.
     */
    protected Set<String> pingFloodLeaveCauses() {
        return Set.of("slow_consumer");
    }

    /**
     * How the leave of each connection that sent a forbidden frame is counted: as a protocol
     * error, whether the server's own frame scanner refused it (standalone) or the container did,
     * and the frame over the limit as too big, on every target.
     */
    protected Map<String, Map<String, Integer>> forbiddenFrameCauses() {
        return Map.of(
                "an unmasked text frame", Map.of("protocol_error", 1),
                "a reserved opcode", Map.of("protocol_error", 1),
                "invalid UTF-8", Map.of("protocol_error", 1),
                "a 2 MiB frame", Map.of("too_big", 1));
    }

    /** The series that count what the server holds for its connections; each must return to what the victims alone need. */
    protected List<String> heldSeries() {
        return List.of("chat_sessions_open");
    }

    /** What the target checks once everyone has left, such as its heap. */
    protected void afterAttack() throws Exception {
    }

    /**
     * Polls {@code /metrics} until the server holds no more than it did for the victims alone,
     * while the attackers still hold their ends open; fails after {@link #GONE_WITHIN}.
     */
    protected void awaitNothingLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        Scrape now = Scrape.of(applicationUri());
        while (!holdsNoMoreThanBefore(now) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = Scrape.of(applicationUri());
        }
        for (String series : heldSeries()) {
            assertThat(now.value(series)).as("%s after the attack", series).isLessThanOrEqualTo(before.value(series));
        }
    }

    private boolean holdsNoMoreThanBefore(Scrape now) {
        return heldSeries().stream().allMatch(series -> now.value(series) <= before.value(series));
    }

    @Test
    void aPingFloodFromAClientThatNeverReadsEndsItsConnectionAndNobodyElseNotices() throws Exception {
        Assumptions.assumeTrue(cannotStopAPingFlood() == null, cannotStopAPingFlood());
        RawWebSocket flooder = track(RawWebSocket.open(chatUri(), 4096));
        assertThat(alice.next(Join.class).online()).isEqualTo(3);
        AtomicLong pings = new AtomicLong();
        // A write blocks once the server stops reading, so the flood runs on a thread of its own.
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            byte[] payload = new byte[125];
            try {
                while (true) {
                    flooder.sendPing(payload);
                    pings.incrementAndGet();
                }
            } catch (IOException endedByTheServer) {
                // what must happen
            }
        });
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        for (int round = 0; !flood.isDone() && System.nanoTime() < deadline; round++) {
            chatGoesThrough("while flooded " + round);
            Thread.sleep(100);
        }
        boolean ended = flood.isDone();
        if (!ended) {
            flooder.reset(); // ends the flood's blocked write
        }
        assertThat(ended).as("the server ended the flooder's connection within %s, after %d pings", GONE_WITHIN, pings.get()).isTrue();
        assertThat(nextLeave(alice).online()).isEqualTo(2);
        Map<String, Integer> leaves = Scrape.awaitLeaves(applicationUri(), before, 1);
        assertThat(leaves).as("the flooder's leave").hasSize(1).containsValue(1);
        assertThat(pingFloodLeaveCauses()).as("the flooder's leave, %s", leaves).containsAll(leaves.keySet());
        chatGoesThrough("after the flood");
        awaitNothingLeftBehind();
    }

    @Test
    void readersThatNeverReadAreEvictedAndTheirSocketsClosed() throws Exception {
        List<RawWebSocket> stalled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stalled.add(track(RawWebSocket.open(chatUri(), 4096)));
            assertThat(alice.next(Join.class).online()).isEqualTo(3 + i);
        }
        String filler = FILLER.repeat(150);
        int leaves = 0;
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        for (int batch = 0; leaves < stalled.size() && System.nanoTime() < deadline; batch++) {
            // Closed loop: the victims read everything before the next batch, so only the stalled fall behind.
            String last = filler + batch;
            for (int i = 0; i < 50; i++) {
                alice.sendWithoutWaiting(i == 49 ? last : filler);
            }
            leaves += leavesUntil(alice, last);
            leavesUntil(bob, last);
        }
        assertThat(leaves).as("stalled readers evicted").isEqualTo(stalled.size());
        assertThat(Scrape.awaitLeaves(applicationUri(), before, stalled.size())).isEqualTo(Map.of("slow_consumer", stalled.size()));
        chatGoesThrough("after the stalled readers");
        awaitNothingLeftBehind();
    }

    @Test
    void aPeerThatNeverAnswersTheServersCloseIsDisconnectedWithinSeconds() throws Exception {
        RawWebSocket mute = track(RawWebSocket.open(chatUri()));
        assertThat(alice.next(Join.class).online()).isEqualTo(3);
        mute.sendFrame(0x2, new byte[] {1, 2, 3}, true, true); // binary: the server closes with 1003
        assertThat(mute.awaitCloseCode()).isEqualTo(1003);
        assertThat(alice.next(Leave.class).online()).isEqualTo(2);
        assertThat(Scrape.awaitLeaves(applicationUri(), before, 1)).isEqualTo(Map.of("unsupported_data", 1));
        mute.readTimeout(GONE_WITHIN);
        long started = System.nanoTime();
        assertThat(mute.readToTheEnd()).as("nothing after the close frame, then the end").isEqualTo(-1);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(waited).as("ms until the server dropped the connection").isLessThan(GONE_WITHIN.toMillis());
        awaitNothingLeftBehind();
    }

    @Test
    void aHandshakeForAHostTheServerDoesNotAnswerToIsRefusedAndNeverCounted() throws Exception {
        // DNS rebinding: a page on evil.example whose name now points here; Origin and Host agree.
        String evil = "evil.example:" + chatUri().getPort();
        RawWebSocket rebound = track(RawWebSocket.connect(chatUri(), 0));
        String head = rebound.handshake(chatUri(), "Host: " + evil + "\r\nOrigin: http://" + evil + "\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
        if (refusesHandshakesWithHttpStatus()) {
            assertThat(head).startsWith("HTTP/1.1 403");
        } else {
            assertThat(head).startsWith("HTTP/1.1 101");
            List<String> texts = new ArrayList<>();
            assertThat(rebound.readUntilClose(texts)).isEqualTo(1008);
            assertThat(texts).as("no history, nothing at all").isEmpty();
        }
        alice.expectSilence(Duration.ofMillis(300));
        chatGoesThrough("after the rebinding attempt");
        awaitNothingLeftBehind();
    }

    @Test
    void handshakesWithAMissingOrMalformedKeyGet400() throws Exception {
        String host = "Host: " + chatUri().getHost() + ":" + chatUri().getPort() + "\r\n";
        for (String key : List.of("", "Sec-WebSocket-Key: x\r\n", "Sec-WebSocket-Key: " + "A".repeat(7000) + "\r\n",
                "Sec-WebSocket-Key: " + "A".repeat(23) + "=\r\n")) {
            try (RawWebSocket raw = RawWebSocket.connect(chatUri(), 0)) {
                String head = raw.handshake(chatUri(), host + key);
                assertThat(head).as("key line '%s'", key.length() > 40 ? key.substring(0, 40) + "…" : key).startsWith("HTTP/1.1 400");
            }
        }
        alice.expectSilence(Duration.ofMillis(300));
        chatGoesThrough("after the bad handshakes");
    }

    @Test
    void framesTheRfcForbidsCloseTheConnectionWithTheRfcsCode() throws Exception {
        record Case(String what, int opcode, byte[] payload, boolean masked, int code) {
        }
        List<Case> cases = List.of(
                new Case("an unmasked text frame", 0x1, "unmasked".getBytes(), false, 1002),
                new Case("a reserved opcode", 0x3, new byte[] {1}, true, 1002),
                new Case("invalid UTF-8", 0x1, new byte[] {(byte) 0xc3, (byte) 0x28}, true, 1007),
                new Case("a 2 MiB frame", 0x1, "y".repeat(2 * 1024 * 1024).getBytes(), true, 1009));
        int online = 2;
        Map<String, Map<String, Integer>> causes = new LinkedHashMap<>();
        for (Case bad : cases) {
            if (!bad.masked() && acceptsUnmaskedFrames() != null) {
                continue; // said in the class's report: see acceptsUnmaskedFrames()
            }
            RawWebSocket attacker = track(RawWebSocket.open(chatUri()));
            assertThat(alice.next(Join.class).online()).isEqualTo(online + 1);
            Scrape mark = Scrape.of(applicationUri());
            try {
                attacker.sendFrame(bad.opcode(), bad.payload(), true, bad.masked());
            } catch (IOException closedWhileSending) {
                // the server may close before it has read the whole frame
            }
            assertThat(attacker.readToTheEnd()).as(bad.what()).isEqualTo(bad.code());
            assertThat(alice.next(Leave.class).online()).isEqualTo(online);
            assertThat(alice.drain()).as("nothing of %s reached anyone", bad.what()).noneMatch(Chat.class::isInstance);
            causes.put(bad.what(), Scrape.awaitLeaves(applicationUri(), mark, 1));
        }
        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>(forbiddenFrameCauses());
        if (acceptsUnmaskedFrames() != null) {
            expected.remove("an unmasked text frame");
        }
        assertThat(causes).as("how each leave was counted").isEqualTo(expected);
        chatGoesThrough("after the forbidden frames");
        awaitNothingLeftBehind();
    }

    @Test
    void aBurstOfHandshakesFromOneAddressIsAdmittedUpToItsLimitAndTheCountStaysExact() throws Exception {
        int burst = PER_ADDRESS_LIMIT + 20;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> outcomes = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                outcomes.add(pool.submit(() -> {
                    RawWebSocket raw = RawWebSocket.connect(chatUri(), 0);
                    opened.track(raw);
                    String head = raw.handshake(chatUri(), "Host: " + chatUri().getHost() + ":" + chatUri().getPort() + "\r\n"
                            + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
                    return head.startsWith("HTTP/1.1 101") ? raw.nextFrameCloseCode() : Integer.parseInt(head.substring(9, 12));
                }));
            }
            Map<Integer, Integer> counts = new TreeMap<>();
            for (Future<Integer> outcome : outcomes) {
                counts.merge(outcome.get(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS), 1, Integer::sum);
            }
            // The WAR's filter answers 503 to what it sees over the limit; two handshakes it let
            // through at once may still find the room full, which closes the later one with 1013.
            List<Integer> refusals = refusesHandshakesWithHttpStatus() ? List.of(503, 1013) : List.of(1013);
            assertThat(counts.get(0)).as("admitted, of %s", counts).isEqualTo(PER_ADDRESS_LIMIT - 2);
            assertThat(refusals).as("refusal codes, of %s", counts).containsAll(counts.keySet().stream().filter(code -> code != 0).toList());
            assertThat(burst - counts.get(0)).isEqualTo(22);
        } finally {
            pool.shutdownNow();
        }
        int joins = 0;
        while (joins < PER_ADDRESS_LIMIT - 2) {
            ServerEvent event = alice.next();
            assertThat(event).as("only joins").isInstanceOf(Join.class);
            joins++;
            assertThat(((Join) event).online()).isEqualTo(2 + joins);
        }
        chatGoesThrough("after the burst");
    }

    @Test
    void slowHeadersOnManyConnectionsDelayNobody() throws Exception {
        List<RawWebSocket> slow = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RawWebSocket raw = track(RawWebSocket.connect(chatUri(), 0));
            raw.sendRaw(("GET / HTTP/1.1\r\nHost: " + chatUri().getHost() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            slow.add(raw);
        }
        for (int round = 0; round < 6; round++) {
            for (RawWebSocket raw : slow) {
                raw.sendRaw("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            long started = System.nanoTime();
            chatGoesThrough("while slowloris " + round);
            assertThat(Scrape.of(applicationUri()).value("chat_sessions_open")).isEqualTo(before.value("chat_sessions_open"));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(tookMillis).as("a chat and a scrape beside 100 slow requests, ms").isLessThan(5000);
            Thread.sleep(500);
        }
    }

    // ---- helpers

    /** Alice says something; both victims get it within the client wait, after any chats still on their way. */
    protected void chatGoesThrough(String text) {
        alice.send(text);
        for (ChatClient victim : List.of(alice, bob)) {
            String got = nextChat(victim).text();
            while (!got.equals(text) && got.startsWith(FILLER)) {
                got = nextChat(victim).text();
            }
            assertThat(got).isEqualTo(text);
        }
    }

    /** The next chat; joins and leaves that come first are put aside for {@link #nextLeave}. */
    private Chat nextChat(ChatClient client) {
        while (true) {
            ServerEvent event = client.next();
            if (event instanceof Chat chat) {
                return chat;
            }
            asidePresence(client).add(event);
        }
    }

    /** Reads up to the chat with this text; returns how many leaves came before it. */
    private static int leavesUntil(ChatClient client, String text) {
        int leaves = 0;
        for (ServerEvent event = client.next(); !(event instanceof Chat chat && chat.text().equals(text)); event = client.next()) {
            if (event instanceof Leave) {
                leaves++;
            }
        }
        return leaves;
    }

    /** The next leave, put aside or still to come; chats before it are skipped. */
    protected Leave nextLeave(ChatClient client) {
        ServerEvent event = asidePresence(client).poll();
        while (!(event instanceof Leave)) {
            if (event != null) {
                assertThat(event).as("a leave, not a join").isNotInstanceOf(Join.class);
            }
            event = client.next();
        }
        return (Leave) event;
    }

    private java.util.Queue<ServerEvent> asidePresence(ChatClient client) {
        return presence.computeIfAbsent(client, c -> new java.util.ArrayDeque<>());
    }

    protected <T extends AutoCloseable> T track(T client) {
        return opened.track(client);
    }

}
