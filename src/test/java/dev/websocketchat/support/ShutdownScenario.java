package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a shutdown (SIGTERM, undeploy) owes a slow reader: every chat already accepted, then 1001.
 * Run against a server whose {@code CHAT_SEND_QUEUE_BYTES} is at least 16 MiB, so that the chats
 * pile up in the server's queue rather than getting it evicted.
 */
public final class ShutdownScenario {

    /** 1000 chats of 5.7 KB: more than the loopback socket buffers (about 4 MB) can hold. */
    private static final int CHATS = 1000;
    private static final String TEXT = "가".repeat(1900);
    private static final EventCodec CODEC = new EventCodec(Integer.MAX_VALUE);

    private ShutdownScenario() {
    }

    /**
     * @param application the application root
     * @param shutDown stops the server (or undeploys the application) while the reader reads; may block
     */
    public static void queuedChatsReachASlowReaderBeforeThe1001(URI application, Runnable shutDown) throws Exception {
        URI chat = URI.create("ws" + application.toString().substring("http".length())).resolve("chat");
        try (RawWebSocket reader = RawWebSocket.open(chat, 8 * 1024); ChatClient sender = ChatClient.connect(chat)) {
            for (int i = 0; i < CHATS; i++) {
                sender.sendWithoutWaiting(TEXT + i);
            }
            int echoed = 0;
            while (echoed < CHATS) {
                if (sender.next() instanceof Chat) {
                    echoed++;
                }
            }
            double queued = Scrape.of(application).value("chat_queue_bytes");
            assertThat(queued).as("chats waiting in the reader's queue, past the socket buffers").isGreaterThan(1_000_000);

            List<String> received = new ArrayList<>();
            CompletableFuture<Integer> closeCode = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readUntilClose(received);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
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
                    .hasSize(CHATS).startsWith("0").endsWith(String.valueOf(CHATS - 1));
        }
    }
}
