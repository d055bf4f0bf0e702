package dev.websocketchat.bench;

import dev.websocketchat.identity.Tokens;
import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.support.Scrape;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 5,000 connections that never sign in, against the jar with {@code CHAT_AUTH=required} at
 * {@code -Xmx384m}: 100 from each of 50 loopback addresses (127.0.0.2 and up), each upgraded and
 * then silent. Meanwhile a signed-in victim chats once a second. Prints how many the server held
 * waiting and refused at once (the per-address limit counts them), how many it had closed with
 * 4401 by 10 s after the last one opened, the victim's slowest round trip, and the heap after GC;
 * twice, the first as a warm-up. Exits 1 if one was left open, the victim lost a chat, or the
 * second flood left the heap more than 16 MiB above the first's. Bounded: 5,500 sockets a flood,
 * about a minute in all.
 * {@code ./mvnw verify -Pbench -Dbench.main=SignInFloodBenchmark}.
 */
public final class SignInFloodBenchmark {

    private static final int ADDRESSES = 50;
    private static final int PER_ADDRESS = 100;
    private static final long HEAP_SLACK_KIB = 16 * 1024;

    private SignInFloodBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = Map.of("chat.auth", "required", "chat.jwt.secret", Tokens.SECRET, "chat.address.handshakes", "0");
        boolean passed;
        try (ServerProcess server = ServerProcess.start("signin-flood", List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError"), settings)) {
            passed = run(server);
        }
        System.exit(passed ? 0 : 1);
    }

    /**
     * Two floods: the first warms the server up (classes loaded, pools filled), so the second
     * shows whether what the flood leaves behind grows: the heap after it must be within
     * {@value #HEAP_SLACK_KIB} KiB of the heap after the first.
     */
    private static boolean run(ServerProcess server) throws Exception {
        System.out.printf("heap after GC at the start: %d MiB%n", server.heapAfterGcKib() / 1024);
        boolean first = flood(server, Long.MAX_VALUE);
        long warmKib = server.heapAfterGcKib();
        boolean second = flood(server, warmKib);
        System.out.println("what the heap holds most of, after both:");
        server.jcmd("GC.class_histogram").lines().skip(2).limit(10).forEach(line -> System.out.println("  " + line.strip()));
        return first && second;
    }

    /** One flood; {@code startKib} is the heap after GC it must come back to (within the slack), or {@code Long.MAX_VALUE} for none. */
    private static boolean flood(ServerProcess server, long startKib) throws Exception {
        URI lobby = server.chat();
        RawWebSocket victim = RawWebSocket.open(lobby);
        victim.sendText(Tokens.authFrame(Tokens.token("u-victim", "victim")));
        victim.textWith("\"type\":\"join\"");

        List<RawWebSocket> silent = new ArrayList<>();
        int refused = 0;
        long slowestMillis = 0;
        int sent = 0;
        int heard = 0;
        long opened = System.nanoTime();
        for (int address = 0; address < ADDRESSES; address++) {
            for (int i = 0; i < PER_ADDRESS + 10; i++) { // 10 over the address's limit
                StringBuilder head = new StringBuilder();
                RawWebSocket raw = RawWebSocket.openFrom("127.0.0." + (2 + address), lobby, head);
                if (head.toString().startsWith("HTTP/1.1 101")) {
                    silent.add(raw);
                } else {
                    refused++;
                }
            }
            Thread.sleep(110); // the victim chats within CHAT_RATE_LIMIT (10 a second) however fast the flood goes
            long started = System.nanoTime();
            String text = "still here " + sent++;
            victim.sendText("{\"type\":\"chat\",\"text\":\"" + text + "\"}");
            String answer = victim.textWith("\"type\":\"" + "");
            while (!answer.contains(text) && !answer.contains("\"type\":\"error\"")) {
                answer = victim.textWith("\"type\":\"");
            }
            if (answer.contains(text)) {
                heard++;
            } else {
                System.out.println("the victim's chat was refused: " + answer);
            }
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - started) / 1_000_000);
        }
        long lastOpened = System.nanoTime();
        Scrape during = Scrape.of(server.application());
        double waiting = during.value("chat_connections_awaiting_proof");
        int quickRefusals = 0;
        for (RawWebSocket raw : silent) {
            raw.readTimeout(Duration.ofMillis(1));
            try {
                quickRefusals += raw.closeWithReason().startsWith("1013") ? 1 : 0;
            } catch (java.net.SocketTimeoutException stillWaiting) {
                // waiting for its proof, as it should
            }
        }
        Thread.sleep(Math.max(0, Duration.ofSeconds(11).toMillis() - (System.nanoTime() - lastOpened) / 1_000_000));
        int closed = 0;
        int leftOpen = 0;
        for (RawWebSocket raw : silent) {
            raw.readTimeout(Duration.ofSeconds(2));
            String close;
            try {
                close = raw.closeWithReason();
            } catch (java.net.SocketTimeoutException open) {
                close = "open";
            }
            if (close.equals("4401 token missing") || close.startsWith("1013") || close.equals("no close frame")) {
                closed++;
            } else {
                leftOpen++;
            }
            raw.close();
        }
        Scrape after = Scrape.of(server.application());
        long endKib = server.heapAfterGcKib();
        victim.close();
        System.out.printf("%d connections from %d addresses in %.1f s: %.0f waiting for their proof at once, %d refused at the handshake,"
                        + " %d refused with 1013 at once%n", silent.size() + refused, ADDRESSES, (lastOpened - opened) / 1e9, waiting,
                refused, quickRefusals);
        System.out.printf("11 s after the last: %d closed, %d left open; waiting now %.0f; 4401s counted %.0f%n", closed, leftOpen,
                after.value("chat_connections_awaiting_proof"), after.value("chat_rejected_total{reason=\"unauthenticated\"}"));
        System.out.printf("the signed-in victim: %d of %d chats back, slowest %d ms%n", heard, sent, slowestMillis);
        System.out.printf("heap after GC after the flood: %d MiB%s%n", endKib / 1024,
                startKib == Long.MAX_VALUE ? " (a warm-up: not compared)" : String.format(" (%d MiB before it)", startKib / 1024));
        boolean passed = leftOpen == 0 && heard == sent && after.value("chat_connections_awaiting_proof") == 0
                && (startKib == Long.MAX_VALUE || endKib - startKib <= HEAP_SLACK_KIB) && waiting <= ADDRESSES * PER_ADDRESS;
        System.out.println(passed ? "PASSED" : "FAILED");
        return passed;
    }
}
