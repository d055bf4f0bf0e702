package dev.websocketchat.bench;

import dev.websocketchat.support.RawHttp;
import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.support.Scrape;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The attacks of the budgets issue, each from one loopback address of its own (the per-address
 * budgets of one never touch the next), bounded in count and time. Each says what the attacker
 * got and, if the server failed the promise, how; what it still holds open is closed only after
 * the server was measured.
 */
final class BudgetAttacks {

    /** What an attack got, what it still holds, and what went wrong (null if nothing did). */
    record Outcome(String got, List<? extends AutoCloseable> held, String failure) {
        static Outcome of(String got, String failure) {
            return new Outcome(got, List.of(), failure);
        }
    }

    static final String PROXY = "127.0.0.3";
    static final String FORWARDED_CLIENT = "198.51.100.7";
    private static final Duration ATTACK = Duration.ofSeconds(15);
    private static final String KOREAN = "가".repeat(2000); // 6,000 bytes of UTF-8, the longest text allowed
    private static final String EMOJI = "😀".repeat(2000); // 8,000 bytes of UTF-8, 8,000 of heap in a String

    private final URI application;
    private final URI lobby;
    private final Path log;
    private String attacker = "127.0.0.9";
    private Victims.Round victims;

    BudgetAttacks(ServerProcess server) {
        this.application = server.application();
        this.lobby = server.chat();
        this.log = server.log();
    }

    /** The next attack comes from an address of its own, while the victims chat. */
    void next(Victims.Round chatting) {
        String[] parts = attacker.split("\\.");
        attacker = "127.0.0." + (Integer.parseInt(parts[3]) + 1);
        victims = chatting;
    }

    /** The server's counts, and the victims' chats so far: what {@link #chatsSince} subtracts. */
    private record Mark(Scrape scrape, int probes) {
    }

    private Mark mark() {
        return new Mark(scrape(), victims.sent());
    }

    /** Chats the server accepted since the mark, the victims' own left out. */
    private double chatsSince(Mark mark) {
        int probes = victims.sent() - mark.probes();
        return scrape().since(mark.scrape(), "chat_chats_received_total") - probes;
    }

    String attacker() {
        return attacker;
    }

    /** 1. 40 connections post chats of 2,000 emoji into room after room. */
    Outcome historyFill() throws Exception {
        AtomicInteger rooms = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        Mark before = mark();
        during(40, () -> {
            try (RawWebSocket socket = open(room("fill" + rooms.getAndIncrement() % 1000), 0)) {
                if (socket == null || socket.nextFrameCloseCode() != 0) {
                    refused.incrementAndGet();
                    Thread.sleep(50);
                    return;
                }
                for (int i = 0; i < 20; i++) {
                    socket.sendText(EMOJI);
                    sent.incrementAndGet();
                }
                Thread.sleep(200); // before its close: a reset would discard what the server has not read yet
            }
        });
        return Outcome.of(String.format("%d chats sent, %.0f accepted; %d connections or rooms refused; history %.1f MB",
                sent.get(), chatsSince(before), refused.get(), scrape().value("chat_history_bytes") / 1e6), null);
    }

    /** 2. One connection at a time opens room after room; then a victim opens a room of its own. */
    Outcome roomSquat() throws Exception {
        AtomicInteger tried = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        during(1, () -> {
            try (RawWebSocket socket = open(room("squat" + tried.getAndIncrement()), 0)) {
                if (socket != null && socket.nextFrameCloseCode() == 0) {
                    opened.incrementAndGet();
                }
            }
        });
        try (RawWebSocket victim = RawWebSocket.open(room("victims-own"))) {
            int code = victim.nextFrameCloseCode();
            return Outcome.of(String.format("opened %d rooms of %d tried; a victim's new room: %s", opened.get(), tried.get(),
                    code == 0 ? "opened" : "closed " + code), code == 0 ? null : "a victim could not open a room");
        }
    }

    /**
     * 3. 30 connections, each within the rate limit, push the longest chats into the lobby while a
     * reader on a 10 Mbit/s link reads it.
     */
    Outcome floodPastASlowReader() throws Exception {
        RawWebSocket reader = RawWebSocket.connectFrom(null, lobby, 64 * 1024);
        reader.handshake(lobby, host() + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
        AtomicInteger closeCode = new AtomicInteger(Integer.MIN_VALUE);
        Thread reading = new Thread(() -> {
            try {
                closeCode.set(reader.readToTheEndAt(1_250_000));
            } catch (IOException e) {
                closeCode.set(-2);
            }
        });
        reading.start();
        Mark before = mark();
        during(30, () -> {
            try (RawWebSocket socket = open(lobby, 0)) {
                for (int i = 0; socket != null && i < ATTACK.toMillis() / 100; i++) {
                    socket.sendText(KOREAN);
                    Thread.sleep(100); // 10 a second: CHAT_RATE_LIMIT
                }
            }
        });
        double accepted = chatsSince(before);
        String reached = closeCode.get() == Integer.MIN_VALUE ? "still reading" : "closed " + closeCode.get();
        return new Outcome(String.format("%.0f chats accepted (%.0f KiB/s); the 10 Mbit/s reader: %s", accepted,
                accepted * 6 / ATTACK.toSeconds(), reached), List.of(reader), closeCode.get() == Integer.MIN_VALUE ? null
                        : "the 10 Mbit/s reader was closed");
    }

    /** 4. 1,000 TCP connections that never send a byte, held for 15 s; a victim connects meanwhile. */
    Outcome rawSockets() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < 1000; i++) {
            Socket socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(attacker, 0));
                socket.connect(new InetSocketAddress(lobby.getHost(), lobby.getPort()), 2000);
                sockets.add(socket);
            } catch (IOException refused) {
                failed++;
                socket.close();
            }
        }
        long slowestVictimMillis = 0;
        for (long end = System.nanoTime() + ATTACK.toNanos(); System.nanoTime() < end; Thread.sleep(1000)) {
            long started = System.nanoTime();
            try (RawWebSocket victim = RawWebSocket.open(lobby)) {
                slowestVictimMillis = Math.max(slowestVictimMillis, (System.nanoTime() - started) / 1_000_000);
            }
        }
        int stillOpen = 0;
        for (Socket socket : sockets) {
            socket.setSoTimeout(1);
            try {
                stillOpen += socket.getInputStream().read() < 0 ? 0 : 1;
            } catch (SocketTimeoutException open) {
                stillOpen++;
            } catch (IOException reset) {
                // closed by the server
            }
        }
        return new Outcome(String.format("%d connected (%d failed); after 15 s the server kept %d open; the slowest victim handshake %d ms",
                sockets.size(), failed, stillOpen, slowestVictimMillis), sockets, null);
    }

    /**
     * 5. Connections that never read, as many as the address may open in 8 s; then one more sends
     * the longest chats to them all, at the rate limit.
     */
    Outcome quietReaders() throws Exception {
        List<RawWebSocket> quiet = new ArrayList<>();
        int refused = 0;
        RawWebSocket sender = open(lobby, 0);
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8); System.nanoTime() < end; ) {
            RawWebSocket socket = open(lobby, 4096);
            if (socket == null || socket.nextFrameCloseCode() != 0) { // its history read, it reads nothing more
                refused++;
                closeQuietly(socket);
                Thread.sleep(20);
            } else {
                quiet.add(socket);
            }
        }
        Mark before = mark();
        double peakQueued = 0;
        String sending = "sent for 15 s";
        try {
            for (long end = System.nanoTime() + ATTACK.toNanos(); sender != null && System.nanoTime() < end; ) {
                sender.sendText(KOREAN);
                Thread.sleep(100); // 10 a second: CHAT_RATE_LIMIT, and within the address's bytes
                peakQueued = Math.max(peakQueued, scrape().value("chat_queue_bytes"));
            }
        } catch (IOException cutOff) {
            sending = "the sender was cut off (" + cutOff.getMessage() + ")";
        }
        double accepted = chatsSince(before);
        Scrape after = scrape();
        if (sender != null) {
            quiet.add(sender);
        }
        return new Outcome(String.format("%d quiet readers admitted, %d refused; %s, %.0f chats accepted; %.0f closed as slow consumers;"
                + " queues peaked at %.1f MB of %.1f MB", quiet.size(), refused, sending, accepted,
                after.since(before.scrape(), "chat_leaves_total{cause=\"slow_consumer\"}"),
                peakQueued / 1e6, after.value("chat_budget_bytes{account=\"queues\"}") / 1e6), quiet, null);
    }

    /** 6. 60 of the longest chats into one room, then a newcomer joins it and must get its history. */
    Outcome bigHistory() throws Exception {
        URI room = room("history");
        Mark before = mark();
        try (RawWebSocket writer = open(room, 0)) {
            for (int i = 0; i < 60; i++) {
                writer.sendText(KOREAN);
                Thread.sleep(50); // within the address's bytes once its burst is spent
            }
        }
        long started = System.nanoTime();
        try (RawWebSocket newcomer = RawWebSocket.open(room, 64 * 1024)) {
            int code = newcomer.nextFrameCloseCode();
            return Outcome.of(String.format("%.0f chats accepted; the newcomer's history %s in %d ms", chatsSince(before), code == 0 ? "arrived" : "failed, closed " + code, (System.nanoTime() - started) / 1_000_000),
                    code == 0 ? null : "a newcomer was closed");
        }
    }

    /** 8. 20 connections join and leave the lobby as fast as they can. */
    Outcome presenceChurn() throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        during(20, () -> {
            try (RawWebSocket socket = open(lobby, 0)) {
                (socket == null ? refused : admitted).incrementAndGet();
            }
        });
        int expected = 100 + 20 * (int) ATTACK.toSeconds(); // CHAT_ADDRESS_HANDSHAKES: a burst of 100, then 20 a second
        return Outcome.of(String.format("%d handshakes admitted, %d refused", admitted.get(), refused.get()),
                Math.abs(admitted.get() - expected) <= 20 ? null : "the handshake budget admitted " + admitted.get() + ", not " + expected);
    }

    /** 9. Every HTTP path under a rebinding Host. */
    Outcome rebinding() {
        StringBuilder got = new StringBuilder();
        String failure = null;
        for (String path : List.of("", "metrics", "rooms", "health", "index.html")) {
            int status = RawHttp.status(application, "GET", path, "attacker.example");
            got.append('/').append(path).append(' ').append(status).append("; ");
            failure = status == 403 ? failure : "/" + path + " answered a foreign Host with " + status;
        }
        return Outcome.of(got.toString(), failure);
    }

    /** 10. Chats with nothing visible, and names that deceive. */
    Outcome deception() throws Exception {
        Scrape before = scrape();
        List<String> invisible = List.of("\\u3164", "\\u2800", "\\uffa0", "\\u115f", "\\u034f");
        List<String> names = List.of("\\u0430lice", "새로운 유저 접속 [현재: 99명]", "alice\\u00a0", "alice\\u3164");
        try (RawWebSocket socket = open(lobby, 0)) {
            for (String text : invisible) {
                socket.sendText("{\"type\":\"chat\",\"name\":\"x\",\"text\":\"" + text + "\"}");
            }
            for (String name : names) {
                socket.sendText("{\"type\":\"chat\",\"name\":\"" + name + "\",\"text\":\"hi\"}");
            }
            Thread.sleep(1000);
        }
        Scrape after = scrape();
        double blank = after.since(before, "chat_rejected_total{reason=\"blank_text\"}");
        double mixed = after.since(before, "chat_rejected_total{reason=\"mixed_scripts\"}");
        double notice = after.since(before, "chat_rejected_total{reason=\"imitates_notice\"}");
        return Outcome.of(String.format("refused: %.0f blank, %.0f mixed scripts, %.0f imitating a notice", blank, mixed, notice),
                blank == invisible.size() && mixed == 1 && notice == 1 ? null : "a deceiving chat or name was accepted");
    }

    /** 11. A connection through a trusted proxy: the open and close lines must name the client it forwarded. */
    Outcome throughAProxy() throws Exception {
        long logged = Files.size(log);
        try (RawWebSocket socket = RawWebSocket.connectFrom(PROXY, lobby, 0)) {
            socket.handshake(lobby, host() + "X-Forwarded-For: " + FORWARDED_CLIENT + "\r\nSec-WebSocket-Key: "
                    + RawWebSocket.newKey() + "\r\n");
            socket.nextFrameCloseCode();
        }
        Thread.sleep(1000);
        long naming = linesSince(logged).stream().filter(line -> line.contains(FORWARDED_CLIENT + " via ")).count();
        return Outcome.of(naming + " log lines name the client", naming >= 2 ? null : "the open and close lines do not name the client");
    }

    /** 12. Paths that climb, upgrades that are not GETs, methods the reports do not answer. */
    Outcome httpOddities() {
        String host = RawHttp.ownHost(application);
        StringBuilder got = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (String path : List.of("../../etc/passwd", "%2e%2e/", "..%2f..")) {
            // WildFly's %2e%2e/ from /chat/ reaches its own welcome page at /: a 200, but nothing of the disk's
            String answer = RawHttp.exchange(application, "GET", application.getRawPath() + path, "Host: " + host + "\r\n");
            int status = Integer.parseInt(answer.substring(9, 12));
            got.append(path).append(' ').append(status).append("; ");
            if (status >= 500 || answer.contains("root:")) {
                failures.add(path + " " + status);
            }
        }
        String postUpgrade = RawHttp.head(application, "POST", lobby.getRawPath(), "Host: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
        got.append("POST upgrade ").append(postUpgrade, 9, 12).append("; ");
        failures.addAll(postUpgrade.startsWith("HTTP/1.1 101") ? List.of("a POST upgraded") : List.of());
        for (String path : List.of("metrics", "health")) {
            int status = RawHttp.status(application, "POST", path, host);
            got.append("POST /").append(path).append(' ').append(status).append("; ");
            failures.addAll(status == 200 ? List.of("POST /" + path + " answered") : List.of());
        }
        String missing = RawHttp.exchange(application, "GET", application.getRawPath() + "no-such-page", "Host: " + host + "\r\n");
        boolean named = missing.contains("Grizzly") || missing.contains("Tomcat/");
        got.append("a 404 names the server: ").append(named ? "yes" : "no");
        failures.addAll(named ? List.of("a 404 names the server") : List.of());
        return Outcome.of(got.toString(), failures.isEmpty() ? null : String.join(", ", failures));
    }

    List<String> linesSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8)
                .lines().toList();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs the step over and over on each of {@code threads} threads for 15 s; a step that fails is tried again. */
    private static void during(int threads, Step step) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + ATTACK.toNanos();
        AtomicReference<Exception> last = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    try {
                        step.run();
                    } catch (Exception e) {
                        last.set(e);
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(ATTACK.toSeconds() + 30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    /** A WebSocket from the attacker's address, or null if the handshake was refused. */
    private RawWebSocket open(URI room, int receiveBufferBytes) throws IOException {
        RawWebSocket socket = RawWebSocket.connectFrom(attacker, room, receiveBufferBytes);
        String head = socket.handshake(room, host() + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n");
        if (head.startsWith("HTTP/1.1 101")) {
            return socket;
        }
        socket.close();
        return null;
    }

    private static void closeQuietly(RawWebSocket socket) throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    private URI room(String name) {
        return URI.create(lobby + "/" + name);
    }

    private String host() {
        return "Host: " + RawHttp.ownHost(application) + "\r\n";
    }

    private Scrape scrape() {
        return Scrape.of(application);
    }
}
