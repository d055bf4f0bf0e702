package dev.websocketchat.room;

import dev.websocketchat.protocol.Utf8;
import java.nio.charset.StandardCharsets;

/**
 * One encoded text message, shared by every recipient of a broadcast: its UTF-8 size is counted
 * once for the send-queue limits, and its {@linkplain #wire() wire form} is built at most once,
 * by the first recipient whose peer writes frames itself.
 */
final class Frame {

    private static final int FIN_TEXT = 0x81;

    private final String text;
    private final int bytes;
    private volatile byte[] wire;

    private Frame(String text, int bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    static Frame of(String text) {
        return new Frame(text, Utf8.length(text));
    }

    String text() {
        return text;
    }

    /** The payload's size in UTF-8. */
    int bytes() {
        return bytes;
    }

    /**
     * The whole WebSocket frame as a server sends it (RFC 6455 §5.2): one final text frame,
     * unmasked, no extension bits. Callers must not modify it.
     */
    byte[] wire() {
        byte[] built = wire;
        if (built == null) {
            built = encode(text.getBytes(StandardCharsets.UTF_8));
            wire = built; // racing builders make equal arrays; any one will do
        }
        return built;
    }

    private static byte[] encode(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) FIN_TEXT;
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
