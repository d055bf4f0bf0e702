package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.support.RawWebSocket.Received;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 as it applies to a server, case by case, against the chat endpoint: where an echo
 * server would echo a text message, the chat endpoint answers with the chat it became (the sender
 * gets its own chat). Framing, pings and pongs, reserved bits and opcodes, fragmentation, UTF-8,
 * the close handshake and the size limit, in the spirit of Autobahn's server cases, which this
 * does not replace: each case opens a connection of its own in the room {@value #ROOM}, sends
 * frames exactly as written (with {@link RawWebSocket}), and reads what comes back; a case that
 * ends the connection must end it with a close frame carrying the RFC's code, then, once the
 * client has answered it, close TCP.
 *
 * <p>Runs against the standalone server ({@code Rfc6455Test}) and the WAR in every container
 * ({@code WarRfc6455IT}); a target that cannot meet a case says so in {@link #knownGaps()}, which
 * the case then skips, and the class's report lists.
 */
public abstract class Rfc6455Contract extends ServerContract {

    static final String ROOM = "rfc6455";
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final byte[] INVALID_UTF8 = {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd, (byte) 0xb9, (byte) 0xcf,
            (byte) 0x83, (byte) 0xce, (byte) 0xbc, (byte) 0xce, (byte) 0xb5, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64};

    /** Cases this target cannot meet, by the name they are asserted under, with why; none by default. */
    protected Set<String> knownGaps() {
        return Set.of();
    }

    @Test
    void aTextMessageInOneFrameOrInFragmentsBecomesOneChat() throws IOException {
        try (RawWebSocket client = peer()) {
            client.sendText("one frame");
            answersWithChat(client, "one frame");

            client.sendFrame(TEXT, utf8("three "), false, true);
            client.sendFrame(CONTINUATION, utf8("frag"), false, true);
            client.sendFrame(CONTINUATION, utf8("ments"), true, true);
            answersWithChat(client, "three fragments");

            client.sendFrame(TEXT, new byte[0], false, true);
            client.sendFrame(CONTINUATION, utf8("empty fragments around"), false, true);
            client.sendFrame(CONTINUATION, new byte[0], true, true);
            answersWithChat(client, "empty fragments around");

            byte[] hangul = utf8("가나"); // two 3-byte characters, split inside the first
            client.sendFrame(TEXT, Arrays.copyOfRange(hangul, 0, 1), false, true);
            client.sendFrame(CONTINUATION, Arrays.copyOfRange(hangul, 1, 6), true, true);
            answersWithChat(client, "가나");
        }
    }

    @Test
    void pingsAreAnsweredWithTheirPayloadEvenBetweenFragmentsAndPongsAreIgnored() throws IOException {
        try (RawWebSocket client = peer()) {
            client.sendPing(new byte[0]);
            answersWithPong(client, new byte[0], "an empty ping");
            byte[] longest = new byte[125];
            Arrays.fill(longest, (byte) 'p');
            client.sendPing(longest);
            answersWithPong(client, longest, "a ping of 125 bytes");

            client.sendFrame(PONG, utf8("unasked"), true, true);
            client.sendText("after a pong nobody asked for");
            answersWithChat(client, "after a pong nobody asked for");

            client.sendFrame(TEXT, utf8("a ping "), false, true);
            client.sendPing(utf8("between"));
            client.sendFrame(CONTINUATION, utf8("between fragments"), true, true);
            answersWithPong(client, utf8("between"), "a ping between fragments");
            answersWithChat(client, "a ping between fragments");
        }
    }

    @Test
    void reservedBitsAndOpcodesEndTheConnectionWith1002() throws IOException {
        for (int rsv : List.of(0x40, 0x20, 0x10)) {
            endsWith(Set.of(1002), "RSV bits " + Integer.toHexString(rsv) + " without an extension",
                    client -> client.sendFrame(rsv | TEXT, utf8("reserved"), true, true));
        }
        for (int opcode : List.of(0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF)) {
            endsWith(Set.of(1002), "reserved opcode " + Integer.toHexString(opcode),
                    client -> client.sendFrame(opcode, new byte[] {1}, true, true));
        }
        endsWith(Set.of(1002), "RSV1 on a ping", client -> client.sendFrame(0x40 | PING, new byte[0], true, true));
    }

    @Test
    void controlFramesThatBreakTheirRulesEndTheConnectionWith1002() throws IOException {
        endsWith(Set.of(1002), "a ping of 126 bytes", client -> client.sendFrame(PING, new byte[126], true, true));
        endsWith(Set.of(1002), "a fragmented ping", client -> {
            client.sendFrame(PING, utf8("frag"), false, true);
            client.sendFrame(CONTINUATION, utf8("ment"), true, true);
        });
        endsWith(Set.of(1002), "a close of 126 bytes", client -> client.sendFrame(CLOSE, closePayload(1000, "r".repeat(124)), true, true));
    }

    @Test
    void fragmentsOutOfOrderEndTheConnectionWith1002() throws IOException {
        endsWith(Set.of(1002), "a continuation with no message to continue",
                client -> client.sendFrame(CONTINUATION, utf8("orphan"), true, true));
        endsWith(Set.of(1002), "a text frame inside a fragmented message", client -> {
            client.sendFrame(TEXT, utf8("first "), false, true);
            client.sendFrame(TEXT, utf8("second"), true, true);
        });
        endsWith(Set.of(1002), "a continuation after a finished message", client -> {
            client.sendText("finished");
            client.sendFrame(CONTINUATION, utf8("late"), true, true);
        });
    }

    @Test
    void textThatIsNotUtf8EndsTheConnectionWith1007() throws IOException {
        endsWith(Set.of(1007), "invalid UTF-8 in one frame", client -> client.sendFrame(TEXT, INVALID_UTF8, true, true));
        endsWith(Set.of(1007), "invalid UTF-8 in the second fragment", client -> {
            client.sendFrame(TEXT, utf8("valid "), false, true);
            client.sendFrame(CONTINUATION, INVALID_UTF8, true, true);
        });
        endsWith(Set.of(1007), "an overlong encoding", client -> client.sendFrame(TEXT, new byte[] {(byte) 0xc0, (byte) 0xaf}, true, true));
        endsWith(Set.of(1007), "a UTF-16 surrogate", client -> client.sendFrame(TEXT, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, true, true));
        endsWith(Set.of(1007), "a code point above U+10FFFF",
                client -> client.sendFrame(TEXT, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, true, true));
        endsWith(Set.of(1007), "a message that ends inside a character", client -> {
            client.sendFrame(TEXT, utf8("cut "), false, true);
            client.sendFrame(CONTINUATION, new byte[] {(byte) 0xea, (byte) 0xb0}, true, true);
        });
    }

    @Test
    void aCloseIsAnsweredWithACloseAndTheConnectionEnds() throws IOException {
        for (int code : List.of(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999)) {
            endsWith(Set.copyOf(List.of(code, 1000)), "a close with code " + code,
                    client -> client.sendFrame(CLOSE, closePayload(code, "bye"), true, true));
        }
        endsWith(Set.of(1000, 1005), "a close without a code", client -> client.sendFrame(CLOSE, new byte[0], true, true));
        endsWith(Set.of(1000), "a chat, then a close, then more text (ignored)", client -> {
            client.sendText("last words");
            client.sendFrame(CLOSE, closePayload(1000, ""), true, true);
            client.sendText("after the close");
        });
    }

    @Test
    void aCloseThatBreaksTheRulesEndsTheConnectionWithTheRightCode() throws IOException {
        for (int code : List.of(0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535)) {
            endsWith(Set.of(1002), "a close with the invalid code " + code,
                    client -> client.sendFrame(CLOSE, closePayload(code, ""), true, true));
        }
        endsWith(Set.of(1002), "a close of one byte", client -> client.sendFrame(CLOSE, new byte[] {0x03}, true, true));
        // Not a message's data: 1002 (Tomcat) and 1007 (Tyrus) are both what Autobahn accepts (its case 7.5.1).
        endsWith(Set.of(1002, 1007), "a close whose reason is not UTF-8", client -> {
            byte[] payload = new byte[2 + INVALID_UTF8.length];
            payload[0] = 0x03;
            payload[1] = (byte) 0xe8;
            System.arraycopy(INVALID_UTF8, 0, payload, 2, INVALID_UTF8.length);
            client.sendFrame(CLOSE, payload, true, true);
        });
    }

    @Test
    void binaryDataAndMessagesOverTheLimitEndTheConnectionWithTheirCodes() throws IOException {
        endsWith(Set.of(1003), "a binary message", client -> client.sendFrame(BINARY, new byte[] {1, 2, 3}, true, true));
        byte[] fragment = new byte[64 * 1024];
        Arrays.fill(fragment, (byte) 'x');
        endsWith(Set.of(1009), "fragments that add up to more than the limit (1 MiB in the tests)", client -> {
            client.sendFrame(TEXT, fragment, false, true);
            for (int i = 0; i < 20; i++) {
                client.sendFrame(CONTINUATION, fragment, false, true);
            }
            client.sendFrame(CONTINUATION, fragment, true, true);
        });
    }

    /** What a case sends; it may find the connection closed under it, which the answer then shows. */
    @FunctionalInterface
    protected interface Frames {
        void send(RawWebSocket client) throws IOException;
    }

    /**
     * A new connection in the room, its history read: its first message, though a ping of the
     * room's liveness check may come before it (a ping goes ahead of what is queued).
     */
    private RawWebSocket peer() throws IOException {
        RawWebSocket client = track(RawWebSocket.open(roomUri(ROOM, null)));
        client.readTimeout(ChatClient.WAIT);
        Received history = client.nextFrame();
        while (history != null && history.opcode() == 0x9) {
            history = client.nextFrame();
        }
        assertThat(history).as("the history frame").isNotNull();
        assertThat(history.text()).startsWith("{\"type\":\"history\"");
        return client;
    }

    /**
     * On a connection of its own: sends the frames, then expects a close frame with one of the
     * codes (other frames before it are skipped), and TCP to end after it.
     */
    private void endsWith(Set<Integer> codes, String what, Frames frames) throws IOException {
        if (knownGaps().contains(what)) {
            return;
        }
        try (RawWebSocket client = peer()) {
            try {
                frames.send(client);
            } catch (IOException closedWhileSending) {
                // the server may close before it has read all of it; its close frame is still to be read
            }
            Received close = nextOf(client, CLOSE);
            assertThat(close).as("%s: a close frame before the connection ends", what).isNotNull();
            assertThat(close.closeCode()).as("%s: the close code", what).isIn(codes);
            try {
                client.sendFrame(CLOSE, closePayload(close.closeCode(), ""), true, true); // as a client must, unless it closed first
            } catch (IOException alreadyClosed) {
                // the server failed the connection, or had our close already
            }
            client.readTimeout(Duration.ofSeconds(10));
            assertThat(client.nextFrame()).as("%s: nothing after the close frame, then the end of the connection", what).isNull();
        }
    }

    private static void answersWithChat(RawWebSocket client, String text) throws IOException {
        while (true) {
            Received frame = client.nextFrame();
            assertThat(frame).as("the chat '%s' before the connection ends", text).isNotNull();
            assertThat(frame.opcode()).as("waiting for the chat '%s': no close", text).isNotEqualTo(CLOSE);
            if (frame.opcode() == TEXT) {
                JsonNode event = EventCodec.mapper().readTree(frame.text());
                if ("chat".equals(event.path("type").asText())) {
                    assertThat(event.path("text").asText()).isEqualTo(text);
                    return;
                }
            }
        }
    }

    private static void answersWithPong(RawWebSocket client, byte[] payload, String what) throws IOException {
        Received pong = nextOf(client, PONG);
        assertThat(pong).as("%s: a pong", what).isNotNull();
        assertThat(pong.payload()).as("%s: the pong's payload", what).isEqualTo(payload);
    }

    /** The next frame with the opcode, skipping text frames (joins, pings' answers come in any order with them); null if the connection ended. */
    private static Received nextOf(RawWebSocket client, int opcode) throws IOException {
        while (true) {
            Received frame = client.nextFrame();
            if (frame == null || frame.opcode() == opcode || frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    private static byte[] closePayload(int code, String reason) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(code >>> 8);
        payload.write(code & 0xff);
        payload.writeBytes(utf8(reason));
        return payload.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
