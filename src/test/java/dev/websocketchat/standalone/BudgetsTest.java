package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RawHttp;
import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.support.Scrape;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The budgets over many connections, with real clients against the standalone server at its
 * default settings but for what a test names: what one address may open, send and hold, what
 * the whole server holds, and what its HTTP side answers. Per-address tests come from
 * {@code 127.0.0.2} and up, which the server counts apart from the victims' {@code 127.0.0.1}.
 */
class BudgetsTest {

    private ChatServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private URI start(Map<String, String> changes) throws IOException {
        server = LocalServer.start(changes);
        return LocalServer.root(server);
    }

    private static URI chat(URI application, String path) {
        return URI.create("ws://127.0.0.1:" + application.getPort() + "/" + path);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneAddressOpensAtMostItsRoomsAndEveryoneElseStillOpensTheirs() throws Exception {
        URI application = start(Map.of());
        int opened = 0;
        String refusal = null;
        for (int room = 0; room < 15 && refusal == null; room++) {
            StringBuilder head = new StringBuilder();
            RawWebSocket squatter = track(RawWebSocket.openFrom("127.0.0.2", chat(application, "chat/squat" + room), head));
            if (squatter.nextFrameCloseCode() == 0) {
                opened++;
                squatter.close(); // gone: the empty room stays open for CHAT_ROOM_IDLE_SECONDS, counted against it
            } else {
                refusal = "closed";
            }
        }
        assertThat(opened).as("rooms the squatter opened").isEqualTo(ChatConfig.DEFAULTS.addressRooms());
        assertThat(refusal).isNotNull();
        ChatClient victim = track(ChatClient.connect(chat(application, "chat/victims-own")));
        assertThat(victim.next()).isInstanceOf(History.class);
        assertThat(Scrape.of(application).value("chat_rejected_total{reason=\"address_rooms\"}")).isEqualTo(1);
    }

    @Test
    void aNewcomersHistoryFitsItsSendQueueNewestFirstSoItIsNeverEvictedForIt() throws Exception {
        URI application = start(Map.of("chat.history", "200", "chat.rate.limit", "0", "chat.address.bytes", "0"));
        ChatClient writer = track(ChatClient.joined(chat(application, "chat")));
        String korean = "가".repeat(2000); // 6,000 bytes of UTF-8: 200 of them are 1.2 MB, over the 1 MiB send queue
        for (int round = 0; round < 200; round += 50) { // in rounds, so that the writer's own echoes never fill its queue
            for (int i = round; i < round + 50; i++) {
                writer.sendWithoutWaiting(i + korean.substring(String.valueOf(i).length()));
            }
            for (int i = round; i < round + 50; i++) {
                assertThat(writer.next(Chat.class).text()).startsWith(String.valueOf(i));
            }
        }
        ChatClient newcomer = track(ChatClient.connect(chat(application, "chat")));
        History history = newcomer.next(History.class);
        assertThat(history.complete()).as("trimmed").isFalse();
        assertThat(history.messages()).hasSizeBetween(50, 199);
        assertThat(history.messages().get(history.messages().size() - 1).text()).as("the newest kept").startsWith("199");
        assertThat(newcomer.next(Join.class).online()).as("admitted, not evicted").isEqualTo(2);
    }

    @Test
    void manyConnectionsOfOneAddressSendAtMostItsBytesPerSecondTogether() throws Exception {
        URI application = start(Map.of());
        ChatClient reader = track(ChatClient.joined(chat(application, "chat")));
        String text = "가".repeat(2000); // 6 KB each, within the per-connection rate limit's burst of 20
        List<RawWebSocket> senders = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            senders.add(track(RawWebSocket.open(chat(application, "chat"))));
        }
        long started = System.nanoTime();
        for (RawWebSocket sender : senders) {
            for (int i = 0; i < 15; i++) {
                sender.sendText(text);
            }
        }
        int delivered = 0;
        long deadline = System.nanoTime() + ChatClient.WAIT.toNanos();
        double handled;
        do { // until every one of the 150 is either delivered or refused
            Thread.sleep(100);
            for (ServerEvent event : reader.drain()) {
                delivered += event instanceof Chat ? 1 : 0;
            }
            handled = delivered + Scrape.of(application).value("chat_rejected_total{reason=\"address_rate_limited\"}");
        } while (handled < 150 && System.nanoTime() < deadline);
        // The budget refills while the server works through what was sent, which on a loaded machine
        // takes longer than sending it: the bound counts until every chat was judged, not until sent.
        double seconds = (System.nanoTime() - started) / 1e9;
        long budget = (long) (2 * ChatConfig.DEFAULTS.addressBytes() + seconds * ChatConfig.DEFAULTS.addressBytes());
        assertThat(delivered).as("chats through of 150, from 10 connections of one address, in %.2f s", seconds).isPositive()
                .isLessThanOrEqualTo((int) (budget / 6000) + 1);
        assertThat(Scrape.of(application).value("chat_rejected_total{reason=\"address_rate_limited\"}"))
                .isEqualTo(150 - delivered);
    }

    @Test
    void handshakesOverTheAddressBudgetGet429BeforeTheUpgrade() throws Exception {
        URI application = start(Map.of());
        Map<String, Integer> statuses = new HashMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < 150; i++) {
            StringBuilder head = new StringBuilder();
            track(RawWebSocket.openFrom("127.0.0.3", chat(application, "chat"), head));
            statuses.merge(head.substring(9, 12), 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(statuses.get("101")).as("a burst of 100 (five seconds of 20), and 20 a second after it, in %.1f s", seconds)
                .isLessThanOrEqualTo((int) (100 + 20 * seconds) + 1);
        assertThat(statuses.get("429")).isPositive().isEqualTo(150 - statuses.get("101"));
        StringBuilder victim = new StringBuilder();
        track(RawWebSocket.openFrom("127.0.0.1", chat(application, "chat"), victim));
        assertThat(victim.toString()).startsWith("HTTP/1.1 101");
    }

    @Test
    void socketsOfOneAddressAreCappedAsTheyAreAcceptedAndThoseThatSendNoRequestAreClosed() throws Exception {
        URI application = start(Map.of("chat.max.sockets.per.address", "20", "chat.request.seconds", "1"));
        List<Socket> raw = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Socket socket = new Socket();
            socket.bind(new java.net.InetSocketAddress("127.0.0.4", 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout(5000);
            raw.add(track(socket));
        }
        int closedAtOnce = 0;
        for (Socket socket : raw.subList(20, 30)) {
            closedAtOnce += socket.getInputStream().read() == -1 ? 1 : 0;
        }
        assertThat(closedAtOnce).as("the ten past the limit").isEqualTo(10);
        assertThat(RawHttp.status(application, "GET", "health", RawHttp.ownHost(application))).as("others are served").isEqualTo(200);
        long started = System.nanoTime();
        assertThat(raw.get(0).getInputStream().read()).as("closed for sending no request").isEqualTo(-1);
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(4.5);
        Scrape after = Scrape.of(application);
        assertThat(after.value("chat_rejected_total{reason=\"address_sockets\"}")).isEqualTo(10);
        assertThat(after.value("chat_rejected_total{reason=\"request_timeout\"}")).isPositive();
    }

    @Test
    void aPathThatClimbsOutGets400AndAnErrorPageNamesNoServer() throws Exception {
        URI application = start(Map.of());
        String host = "Host: " + RawHttp.ownHost(application) + "\r\n";
        for (String path : List.of("/../../etc/passwd", "/%2e%2e/", "/..%2f..", "/a/..%5c..")) {
            assertThat(RawHttp.exchange(application, "GET", path, host)).as(path).startsWith("HTTP/1.1 400");
        }
        assertThat(RawHttp.exchange(application, "GET", "/nope", host)).startsWith("HTTP/1.1 404").doesNotContainIgnoringCase("grizzly");
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
