package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a shutdown (SIGTERM, undeploy) owes a slow reader: every chat already accepted, then 1001.
 * Chats are sent until more than 1 MB of them wait in the server's queues ({@code /metrics}), past
 * the socket buffers and whatever the container buffers on its own. Run against a server whose
 * {@code CHAT_SEND_QUEUE_BYTES} is at least 16 MiB, so that the reader is not evicted meanwhile.
 */
public final class ShutdownScenario {

    /** Chats of 5.7 KB, sent 200 (1.1 MB) at a time. */
    private static final int ROUND = 200;
    /** Enough to pass the loopback socket buffers (about 4 MB) and what a container buffers itself. */
    private static final int MOST_ROUNDS = 60;
    private static final String TEXT = "가".repeat(1900);
    private static final EventCodec CODEC = new EventCodec(Integer.MAX_VALUE);

    private ShutdownScenario() {
    }

    /**
     * @param application the application root
     * @param shutDown stops the server (or undeploys the application) while the reader reads; may block
     */
    public static void queuedChatsReachASlowReaderBeforeThe1001(URI application, Runnable shutDown) throws Exception {
        queuedChatsReachASlowReaderBeforeThe1001(application, shutDown, Duration.ZERO);
    }

    /**
     * As above, the reader starting to read only {@code readerPause} after the stop began: what
     * the server still has to write then waits behind full socket buffers, the close frame last.
     */
    public static void queuedChatsReachASlowReaderBeforeThe1001(URI application, Runnable shutDown, Duration readerPause)
            throws Exception {
        URI chat = URI.create("ws" + application.toString().substring("http".length())).resolve("chat");
        try (RawWebSocket reader = RawWebSocket.open(chat, 8 * 1024); ChatClient sender = ChatClient.connect(chat)) {
            int sent = 0;
            while (Scrape.of(application).value("chat_queue_bytes") < 1_000_000) {
                assertThat(sent).as("chats sent without any queueing up for the stalled reader").isLessThan(ROUND * MOST_ROUNDS);
                for (int i = 0; i < ROUND; i++, sent++) {
                    sender.sendWithoutWaiting(TEXT + sent);
                }
                for (int echoed = 0; echoed < ROUND; ) {
                    if (sender.next() instanceof Chat) {
                        echoed++;
                    }
                }
            }

            List<String> received = new ArrayList<>();
            CompletableFuture<Integer> closeCode = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(readerPause.toMillis());
                    return reader.readUntilClose(received);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            shutDown.run(); // on this thread: Arquillian's deployer works only on the test's own
            assertThat(closeCode.get(20, TimeUnit.SECONDS)).isEqualTo(1001);
            List<String> texts = new ArrayList<>();
            for (String frame : received) {
                if (CODEC.decodeEvent(frame) instanceof Chat delivered) {
                    texts.add(delivered.text().substring(TEXT.length()));
                }
            }
            assertThat(texts).as("the number after each chat's text, every accepted chat before the close")
                    .hasSize(sent).startsWith("0").endsWith(String.valueOf(sent - 1));
        }
    }
}
