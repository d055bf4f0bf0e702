package dev.websocketchat.bench;

import dev.websocketchat.support.RawWebSocket;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.tyrus.client.ClientManager;

/**
 * A few minutes of abuse against the standalone jar, to show that its memory stays bounded:
 * readers and talkers that behave, churn (connects, clean closes and resets), flooders that go
 * over the rate limit until closed, readers that stall until evicted (and keep their end open
 * until the soak ends), and ping flooders that never read. Every ten seconds it prints the
 * server's heap after a full GC, its RSS, the online count, its open TCP sockets and what the
 * metrics counted. Not part of {@code verify}: {@code ./mvnw -Psoak verify [-Dsoak.minutes=3]}.
 *
 * <p>Exits non-zero if, once everyone has gone, the server still counts anyone, or its heap after
 * GC is more than 16 MiB above where it started.
 */
public final class SoakBenchmark {

    private static final int READERS = 100;
    private static final int TALKERS = 10;
    private static final int CHURNERS = 50;
    private static final String TEXT = "soak ".repeat(200);
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+(?:\\{[^}]*\\})?) ([0-9.E+-]+)$");

    private final ClientManager client = ClientManager.createClient();
    private final ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
    private final Queue<Session> sessions = new ConcurrentLinkedQueue<>();
    private final Queue<RawWebSocket> churners = new ConcurrentLinkedQueue<>();
    private final Queue<RawWebSocket> stalled = new ConcurrentLinkedQueue<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong loadErrors = new AtomicLong();
    private final URI chat;

    private SoakBenchmark(URI chat) {
        this.chat = chat;
    }

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 3);
        boolean passed;
        try (ServerProcess server = ServerProcess.start("soak", List.of("-Xmx256m"),
                Map.of("chat.send.queue.bytes", "65536", "chat.max.connections.per.address", "0", "chat.address.handshakes", "0",
                        "chat.address.bytes", "0", "chat.max.sockets.per.address", "0"))) {
            passed = new SoakBenchmark(server.chat()).run(server, minutes);
        }
        System.exit(passed ? 0 : 1); // after the server is stopped; the WebSocket client's threads would keep this JVM up
    }

    private boolean run(ServerProcess server, int minutes) throws Exception {
        long startHeap = server.heapAfterGcKib();
        System.out.printf("soak: %d min against %s; heap after GC at start %d KiB%n", minutes, chat, startHeap);
        System.out.println("  time  online  sockets  heap-after-GC  RSS      chats   deliveries  joins   slow  flood  reset  closed  rate-limited");
        for (int i = 0; i < READERS + TALKERS; i++) {
            connect();
        }
        List<Session> talkers = new ArrayList<>(sessions).subList(0, TALKERS);
        load.scheduleAtFixedRate(() -> talk(talkers), 0, 100, TimeUnit.MILLISECONDS);
        load.scheduleAtFixedRate(this::churn, 0, 100, TimeUnit.MILLISECONDS);
        load.scheduleAtFixedRate(this::flood, 1, 10, TimeUnit.SECONDS);
        load.scheduleAtFixedRate(this::stall, 2, 5, TimeUnit.SECONDS);
        load.scheduleAtFixedRate(this::pingFlood, 3, 10, TimeUnit.SECONDS);
        long started = System.nanoTime();
        long maxHeap = startHeap;
        for (long elapsed = 0; elapsed < TimeUnit.MINUTES.toSeconds(minutes); ) {
            Thread.sleep(10_000);
            elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            long heap = server.heapAfterGcKib();
            maxHeap = Math.max(maxHeap, heap);
            print(elapsed, server, heap);
        }
        load.shutdownNow();
        load.awaitTermination(10, TimeUnit.SECONDS);
        closeEveryone();
        int online = awaitNobody(server);
        long endHeap = server.heapAfterGcKib();
        Map<String, Double> metrics = scrape(server);
        boolean exact = online == 0 && metrics.get("chat_joins_total").equals(leaves(metrics));
        boolean bounded = endHeap - startHeap < 16 * 1024;
        System.out.printf("end: online %d, joins %.0f, leaves %.0f (exact: %s); heap after GC %d KiB at start, %d KiB at most, "
                        + "%d KiB at the end (bounded: %s); %d frames received by the benchmark's readers; %d load errors%n",
                online, metrics.get("chat_joins_total"), leaves(metrics), exact, startHeap, maxHeap, endHeap, bounded,
                received.get(), loadErrors.get());
        System.out.printf("{\"minutes\":%d,\"startHeapKib\":%d,\"maxHeapKib\":%d,\"endHeapKib\":%d,\"chats\":%.0f,\"deliveries\":%.0f,"
                        + "\"joins\":%.0f,\"exact\":%s,\"bounded\":%s}%n", minutes, startHeap, maxHeap, endHeap,
                metrics.get("chat_chats_received_total"), metrics.get("chat_deliveries_total"), metrics.get("chat_joins_total"),
                exact, bounded);
        return exact && bounded;
    }

    private void print(long elapsed, ServerProcess server, long heapKib) throws Exception {
        Map<String, Double> m = scrape(server);
        System.out.printf("%5ds  %6.0f  %7.0f  %9d KiB  %5d MiB  %6.0f  %10.0f  %6.0f  %5.0f  %5.0f  %5.0f  %6.0f  %12.0f%n",
                elapsed, m.get("chat_connections"), m.get("chat_sockets_open"), heapKib, server.rssKib() / 1024, m.get("chat_chats_received_total"),
                m.get("chat_deliveries_total"), m.get("chat_joins_total"), cause(m, "slow_consumer"), cause(m, "flooding"),
                cause(m, "reset"), cause(m, "closed"), m.get("chat_rejected_total{reason=\"rate_limited\"}"));
    }

    private void talk(List<Session> talkers) {
        for (Session talker : talkers) {
            talker.getAsyncRemote().sendText("{\"type\":\"chat\",\"name\":\"soak\",\"text\":\"" + TEXT + "\"}");
        }
    }

    /** One connect and one disconnect every tick, alternating clean closes and resets. */
    private void churn() {
        try {
            churners.add(RawWebSocket.open(chat));
            if (churners.size() > CHURNERS) {
                RawWebSocket leaving = churners.poll();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    leaving.reset();
                } else {
                    leaving.sendFrame(0x8, new byte[] {0x03, (byte) 0xe8}, true, true);
                    leaving.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            loadErrors.incrementAndGet();
        }
    }

    /** A client that sends as fast as it can, past the rate limit, until the server closes it (1008). */
    private void flood() {
        try (RawWebSocket flooder = RawWebSocket.open(chat)) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            while (System.nanoTime() < until) {
                flooder.sendText("flood");
                Thread.sleep(5);
            }
        } catch (IOException closedByTheServer) {
            // expected: the server ends a flood with 1008
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Pings as fast as it can for up to 12 s and never reads, so the pongs pile up: the server
     * ends it as flooding (1008), or cuts it off once too much waits to be written to it.
     */
    private void pingFlood() {
        try (RawWebSocket flooder = RawWebSocket.open(chat, 4096)) {
            byte[] payload = new byte[125];
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            while (System.nanoTime() < until) {
                flooder.sendPing(payload);
            }
        } catch (IOException endedByTheServer) {
            // expected
        }
    }

    /** A reader with a tiny receive buffer that never reads, so the server evicts it (1013). */
    private void stall() {
        try {
            stalled.add(RawWebSocket.open(chat, 4096));
        } catch (IOException | RuntimeException e) {
            loadErrors.incrementAndGet();
        }
    }

    private void connect() throws Exception {
        client.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> received.incrementAndGet());
                sessions.add(session);
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                sessions.remove(session);
            }
        }, ClientEndpointConfig.Builder.create().build(), chat);
    }

    private void closeEveryone() {
        for (Session session : sessions) {
            try {
                session.close();
            } catch (IOException alreadyGone) {
                // counted by the server either way
            }
        }
        for (Queue<RawWebSocket> raw : List.of(churners, stalled)) {
            for (RawWebSocket socket; (socket = raw.poll()) != null; ) {
                try {
                    socket.reset();
                } catch (IOException alreadyGone) {
                    // the server evicted it
                }
            }
        }
    }

    private static int awaitNobody(ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int online;
        do {
            Thread.sleep(200);
            online = scrape(server).get("chat_connections").intValue();
        } while (online != 0 && System.nanoTime() < deadline);
        return online;
    }

    private static Map<String, Double> scrape(ServerProcess server) throws Exception {
        Map<String, Double> samples = new java.util.HashMap<>();
        Matcher sample = SAMPLE.matcher(server.get("metrics"));
        while (sample.find()) {
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }

    private static double cause(Map<String, Double> metrics, String cause) {
        return metrics.get("chat_leaves_total{cause=\"" + cause + "\"}");
    }

    private static Double leaves(Map<String, Double> metrics) {
        return metrics.entrySet().stream().filter(e -> e.getKey().startsWith("chat_leaves_total{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
