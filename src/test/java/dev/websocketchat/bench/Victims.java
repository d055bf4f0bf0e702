package dev.websocketchat.bench;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.tyrus.client.ClientManager;

/**
 * Two well-behaved clients in a room while an attack runs, from the benchmark's own address:
 * Alice sends a probe at a steady pace, Bob times each probe's arrival and keeps every other
 * frame he gets (the first thousand; the rest only counted).
 */
final class Victims implements AutoCloseable {

    private static final Pattern PROBE = Pattern.compile("probe-\\d+");
    private static final int FRAMES_KEPT = 1000;

    private final ClientManager client = ClientManager.createClient();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    private final List<String> otherFrames = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong otherFrameCount = new AtomicLong();
    private final List<Session> sessions = new ArrayList<>();
    private final Session alice;

    Victims(URI room) throws Exception {
        alice = connect(room, false);
        connect(room, true);
    }

    /** A well-behaved client that reads everything; Bob, if {@code timesArrivals}. */
    Session connect(URI room, boolean timesArrivals) throws Exception {
        Session session = client.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.setMaxTextMessageBufferSize(1 << 20); // a history of large chats
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) json -> {
                    if (timesArrivals) {
                        arrived(json);
                    }
                });
            }
        }, ClientEndpointConfig.Builder.create().build(), room);
        sessions.add(session);
        return session;
    }

    private void arrived(String json) {
        Matcher probe = PROBE.matcher(json);
        Long sent = probe.find() ? sentAt.remove(probe.group()) : null;
        if (sent != null) {
            latenciesMicros.add((System.nanoTime() - sent) / 1000);
        } else if (otherFrameCount.incrementAndGet() <= FRAMES_KEPT) {
            otherFrames.add(json);
        }
    }

    /** Starts Alice's probes, one every {@code every}, on a thread of their own. */
    Round begin(Duration every) {
        latenciesMicros.clear();
        otherFrames.clear();
        otherFrameCount.set(0);
        sentAt.clear();
        return new Round(every);
    }

    /** What the victims saw during one round. */
    record Seen(int sent, int lost, List<Long> sortedMicros, long otherFrames, List<String> keptFrames) {

        /** Milliseconds, or NaN when no probe arrived. */
        double percentile(int percentile) {
            if (sortedMicros.isEmpty()) {
                return Double.NaN;
            }
            int index = Math.min(sortedMicros.size() - 1, (int) Math.ceil(percentile / 100.0 * sortedMicros.size()) - 1);
            return sortedMicros.get(Math.max(0, index)) / 1000.0;
        }
    }

    final class Round {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger sent = new AtomicInteger();

        private Round(Duration every) {
            timer.scheduleAtFixedRate(() -> {
                String probe = "probe-" + sent.getAndIncrement();
                sentAt.put(probe, System.nanoTime());
                alice.getAsyncRemote().sendText(probe);
            }, 0, every.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Probes sent so far. */
        int sent() {
            return sent.get();
        }

        /** Stops, waits up to 10 s for the last probes to arrive; what never did is lost. */
        Seen stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Long> sorted = new ArrayList<>(latenciesMicros);
            Collections.sort(sorted);
            return new Seen(sent.get(), sentAt.size(), sorted, otherFrameCount.get(), List.copyOf(otherFrames));
        }
    }

    @Override
    public void close() throws IOException {
        for (Session session : sessions) {
            if (session.isOpen()) {
                session.close();
            }
        }
    }
}
