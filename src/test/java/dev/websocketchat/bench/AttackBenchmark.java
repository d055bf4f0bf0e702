package dev.websocketchat.bench;

import dev.websocketchat.support.RawWebSocket;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every attack of the hostile-client suite against the standalone jar as a process of its own
 * (-Xmx256m, the rate limit and the address budgets off so that only the bounds stop a flood; the
 * victims share the attackers' address, and {@link BudgetBenchmark} attacks with them on), with
 * the numbers the suite does not print: the victims' chat latency while each attack runs, the server's heap after a
 * full GC and its open TCP sockets before, at the end of the attack (the attacker still holding
 * its end open) and after. {@code ./mvnw -Pbench verify -Dbench.main=AttackBenchmark}.
 *
 * <p>Exits non-zero if a victim lost a chat, a socket was left behind, or the heap after GC ended
 * more than 16 MiB above where it started.
 */
public final class AttackBenchmark {

    private static final Pattern SOCKETS = Pattern.compile("(?m)^chat_sockets_open ([0-9.]+)$");
    private static final Pattern TIMESTAMPED = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} ");

    private final ServerProcess server;
    private final URI chat;
    private final Victims victims;
    private Session talker;
    private boolean passed = true;

    private AttackBenchmark(ServerProcess server, Victims victims) {
        this.server = server;
        this.chat = server.chat();
        this.victims = victims;
    }

    public static void main(String[] args) throws Exception {
        boolean passed;
        try (ServerProcess server = ServerProcess.start("attack", List.of("-Xmx256m"), Map.of("chat.rate.limit", "0",
                "chat.address.bytes", "0", "chat.address.handshakes", "0", "chat.max.sockets.per.address", "0"));
                Victims victims = new Victims(server.chat())) {
            passed = new AttackBenchmark(server, victims).run();
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run() throws Exception {
        talker = victims.connect(chat, false);
        long startHeap = server.heapAfterGcKib();
        System.out.printf("attacks on %s; heap after GC at start %d KiB%n", chat, startHeap);
        System.out.println("attack                              victims' p50 / p99 / max ms  lost  heap KiB before -> after"
                + "   sockets before / end of attack / after");
        attack("ping flood, never reading", this::pingFlood);
        attack("20 readers that never read", this::stalledReaders);
        attack("close never answered, x20", this::unansweredCloses);
        attack("rebinding Host, x200", () -> handshakes(200, "Host: evil.example:" + chat.getPort() + "\r\nOrigin: http://evil.example:"
                + chat.getPort() + "\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n"));
        attack("malformed keys, x200", () -> handshakes(200, host() + "Sec-WebSocket-Key: x\r\n"));
        attack("forbidden frames, x200", this::forbiddenFrames);
        attack("slowloris, 500 for 10 s", this::slowloris);
        attack("handshake burst, 300 at once", this::burst);
        attack("log forging chat", this::logForging);
        long endHeap = server.heapAfterGcKib();
        System.out.printf("end: heap after GC %d KiB (start %d KiB); forged log lines: %d%n", endHeap, startHeap, forgedLines());
        return passed && endHeap - startHeap < 16 * 1024 && forgedLines() == 0;
    }

    /** An attack returns what it still holds open; those are closed only after the server's sockets were counted. */
    private interface Attack {
        List<RawWebSocket> run() throws Exception;
    }

    private void attack(String name, Attack attack) throws Exception {
        long heapBefore = server.heapAfterGcKib();
        int socketsBefore = sockets();
        Victims.Round chats = victims.begin(Duration.ofMillis(50));
        List<RawWebSocket> held = attack.run();
        int socketsAtEnd = awaitSockets(socketsBefore);
        for (RawWebSocket socket : held) {
            socket.close();
        }
        Victims.Seen seen = chats.stop();
        int socketsAfter = awaitSockets(socketsBefore);
        long heapAfter = server.heapAfterGcKib();
        System.out.printf("%-35s %7.1f / %5.1f / %6.1f   %4d  %8d -> %8d        %4d / %4d / %4d%n", name, seen.percentile(50),
                seen.percentile(99), seen.percentile(100), seen.lost(), heapBefore, heapAfter, socketsBefore, socketsAtEnd, socketsAfter);
        passed &= seen.lost() == 0 && socketsAtEnd <= socketsBefore && socketsAfter <= socketsBefore;
    }

    private List<RawWebSocket> pingFlood() throws Exception {
        RawWebSocket flooder = RawWebSocket.open(chat, 4096);
        byte[] payload = new byte[125];
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try {
            while (System.nanoTime() < until) {
                flooder.sendPing(payload);
            }
            System.out.println("  the ping flooder was never cut off");
            passed = false;
        } catch (IOException cutOff) {
            // what the server must do
        }
        return List.of(flooder);
    }

    private List<RawWebSocket> stalledReaders() throws Exception {
        List<RawWebSocket> stalled = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stalled.add(RawWebSocket.open(chat, 4096));
        }
        // 3000 chats of about 6 KB: far more than a stalled reader's queue and kernel buffers hold
        String filler = "가".repeat(1990);
        List<Future<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            sends.add(talker.getAsyncRemote().sendText(filler));
            if (sends.size() == 50) {
                for (Future<Void> send : sends) {
                    send.get(30, TimeUnit.SECONDS);
                }
                sends.clear();
            }
        }
        return stalled;
    }

    private List<RawWebSocket> unansweredCloses() throws Exception {
        List<RawWebSocket> mute = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RawWebSocket socket = RawWebSocket.open(chat);
            socket.sendFrame(0x2, new byte[] {1}, true, true); // binary: closed with 1003, which it never answers
            mute.add(socket);
        }
        return mute;
    }

    private List<RawWebSocket> handshakes(int count, String headers) throws Exception {
        for (int i = 0; i < count; i++) {
            try (RawWebSocket socket = RawWebSocket.connect(chat, 0)) {
                String head = socket.handshake(chat, headers);
                if (head.startsWith("HTTP/1.1 101")) {
                    socket.readToTheEnd();
                }
            }
        }
        return List.of();
    }

    private List<RawWebSocket> forbiddenFrames() throws Exception {
        byte[][] payloads = {"unmasked".getBytes(StandardCharsets.UTF_8), {1}, {(byte) 0xc3, (byte) 0x28}};
        int[] opcodes = {0x1, 0x3, 0x1};
        for (int i = 0; i < 200; i++) {
            try (RawWebSocket socket = RawWebSocket.open(chat)) {
                int kind = i % 4;
                if (kind == 3) {
                    socket.sendRaw(new byte[] {(byte) 0x81, (byte) 0xff, 0, 0, 0, 0, 0x7f, 0, 0, 0, 1, 2, 3, 4}); // a 2 GiB frame's header
                } else {
                    socket.sendFrame(opcodes[kind], payloads[kind], true, kind != 0);
                }
                socket.readToTheEnd();
            }
        }
        return List.of();
    }

    private List<RawWebSocket> slowloris() throws Exception {
        List<RawWebSocket> slow = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RawWebSocket socket = RawWebSocket.connect(chat, 0);
            socket.sendRaw(("GET / HTTP/1.1\r\n" + host()).getBytes(StandardCharsets.US_ASCII));
            slow.add(socket);
        }
        for (int second = 0; second < 10; second++) {
            Thread.sleep(1000);
            for (RawWebSocket socket : slow) {
                socket.sendRaw("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return slow; // a request still unfinished after CHAT_REQUEST_SECONDS is closed
    }

    private List<RawWebSocket> burst() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<RawWebSocket>> opened = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            opened.add(pool.submit(() -> {
                RawWebSocket socket = RawWebSocket.connect(chat, 0);
                socket.handshake(chat, host() + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
                return socket;
            }));
        }
        List<RawWebSocket> held = new ArrayList<>();
        for (Future<RawWebSocket> socket : opened) {
            held.add(socket.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        for (RawWebSocket socket : held) {
            socket.close();
        }
        return List.of();
    }

    private List<RawWebSocket> logForging() throws Exception {
        talker.getBasicRemote().sendText("hi\n2026-12-01 19:00:00.000 INFO    dev.websocketchat.room.ChatRoom: closed connection 1 from 6.6.6.6"
                + "\u0000\u202e");
        Thread.sleep(500);
        return List.of();
    }

    /** Lines of the server's log that claim 6.6.6.6 and look like records of their own. */
    private long forgedLines() throws IOException {
        return Files.readAllLines(server.log(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("6.6.6.6") && TIMESTAMPED.matcher(line).find() && !line.contains("received from")).count();
    }

    private String host() {
        return "Host: " + chat.getHost() + ":" + chat.getPort() + "\r\n";
    }

    private int sockets() throws Exception {
        Matcher sockets = SOCKETS.matcher(server.get("metrics"));
        if (!sockets.find()) {
            throw new IllegalStateException("no chat_sockets_open in /metrics");
        }
        return (int) Double.parseDouble(sockets.group(1));
    }

    /** Polls until the server holds no more sockets than before, for 30 s at most; returns the last count. */
    private int awaitSockets(int before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int now = sockets();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = sockets();
        }
        return now;
    }
}
