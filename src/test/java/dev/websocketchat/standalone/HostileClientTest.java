package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.support.Heap;
import dev.websocketchat.support.HostileClientContract;
import dev.websocketchat.support.RawWebSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks against the standalone server, which also shows its TCP sockets and, running in
 * this JVM, its heap: both must be back where they were once the attacker is gone.
 */
class HostileClientTest extends HostileClientContract {

    private static ChatServer server;
    private static long heapBaseline;

    @BeforeAll
    static void start() throws Exception {
        server = ContractServer.start();
        heapBaseline = Heap.afterGc();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI applicationUri() {
        return ContractServer.root(server);
    }

    @Override
    protected boolean refusesHandshakesWithHttpStatus() {
        return false;
    }

    @Override
    protected List<String> heldSeries() {
        return List.of("chat_sessions_open", "chat_sockets_open");
    }

    @Override
    protected void afterAttack() {
        assertThat(Heap.afterGc() - heapBaseline).as("heap left behind, bytes").isLessThan(Heap.SLACK_BYTES);
    }

    /**
     * Autobahn's 6.4.2 to 6.4.4: a fragmented text whose first fragments go wrong mid-character
     * (F4 90 is past U+10FFFF). Tyrus checked the message only once it was whole; the final
     * fragment never comes here, so only a check at the byte can close the connection at all.
     */
    @Test
    void textThatStopsBeingUtf8MidMessageIsRefusedAtTheByteWith1007() throws Exception {
        try (RawWebSocket sender = track(RawWebSocket.open(chatUri()))) {
            assertThat(bob.next(Join.class).online()).isEqualTo(3);
            sender.sendFrame(0x1, new byte[] {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd}, false, true);
            sender.sendFrame(0x0, new byte[] {(byte) 0xb9, (byte) 0xcf, (byte) 0x83, (byte) 0xf4, (byte) 0x90, (byte) 0x80}, false, true);
            assertThat(sender.awaitCloseCode()).isEqualTo(1007);
        }
        assertThat(bob.next(Leave.class).online()).isEqualTo(2);
    }

    @Test
    void chatTextCannotForgeALogLine() {
        Logger roomLog = Logger.getLogger(ChatRoom.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(new SimpleFormatter().format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        roomLog.addHandler(capture);
        try {
            String forged = "hi\n2026-12-01 19:00:00.000 INFO    dev.websocketchat.room.ChatRoom: closed connection 1 from 6.6.6.6"
                    + "\r\u0000\u202e\u0085end";
            alice.send(forged);
            assertThat(alice.next(Chat.class).text()).as("the chat itself is delivered as sent").isEqualTo(forged);
        } finally {
            roomLog.removeHandler(capture);
        }
        String logged = lines.stream().filter(line -> line.contains("received from")).findFirst().orElseThrow();
        assertThat(logged.strip()).doesNotContain("\n", "\r", "\u0000", "\u202e", "\u0085")
                .contains("hi\\n2026-12-01 19:00:00.000 INFO", "\\r\\u0000\\u202e\\u0085end");
    }
}
