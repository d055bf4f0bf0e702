package dev.websocketchat.standalone;

import dev.websocketchat.room.LeaveCause;

import org.glassfish.grizzly.Buffer;

/**
 * Follows the frames one client sends, header by header, without copying a payload, and enforces
 * what Tyrus does not (RFC 6455): every client frame is masked (5.1, else 1002), and no message is
 * larger than the limit however it is sent, in one frame or many, and however large (else 1009;
 * Tyrus answers 1011 once a frame outgrows its read buffer). It also counts control frames, which
 * the WebSocket API never shows an endpoint, so that a ping flood can be limited like a message
 * flood. And a text message is checked as UTF-8 byte by byte, so that it is refused at its first
 * wrong byte with 1007 (Tyrus checks a fragmented message only once it is whole, a second or more
 * later). Anything else wrong with a frame (reserved opcodes or bits) is left to Tyrus.
 *
 * <p>One instance per connection, fed in order by one thread at a time. After a violation it
 * reports nothing more: the connection is being closed, and what follows is not read.
 */
final class FrameScanner {

    /** A frame that breaks a rule: why the connection ends, and the close reason to answer with. */
    record Violation(LeaveCause cause, int code, String reason) {
    }

    /** Told of each control frame (ping, pong, close) as soon as its header is complete. */
    interface ControlFrames {
        void arrived(int opcode);
    }

    static final Violation UNMASKED = new Violation(LeaveCause.PROTOCOL_ERROR, 1002, "client frames must be masked");
    static final Violation BAD_LENGTH = new Violation(LeaveCause.PROTOCOL_ERROR, 1002, "invalid frame length");
    static final Violation TOO_BIG = new Violation(LeaveCause.TOO_BIG, 1009, LeaveCause.TOO_BIG.reason());
    static final Violation NOT_UTF8 = new Violation(LeaveCause.PROTOCOL_ERROR, 1007, "text is not valid UTF-8");

    private static final int MAX_HEADER = 14;

    private final long maxMessageBytes;
    private final ControlFrames controlFrames;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private long payloadLeft;
    private long messageBytes;
    private Violation violation;
    private final Utf8Validator utf8 = new Utf8Validator();
    /** Whether the message under way is text, and the frame being read a part of it. */
    private boolean inText;
    private boolean checkingPayload;
    private boolean finalFrame;
    /** The frame's masking key, and where in its payload the next byte is. */
    private final byte[] mask = new byte[4];
    private long payloadAt;

    FrameScanner(long maxMessageBytes, ControlFrames controlFrames) {
        this.maxMessageBytes = maxMessageBytes;
        this.controlFrames = controlFrames;
    }

    /**
     * Scans the bytes from the buffer's position to its limit, leaving the position where it was.
     *
     * @return the number of bytes that may be handed on, which is all of them unless a frame in
     *         them breaks a rule: then only the bytes before that frame's first byte here
     */
    int scan(Buffer bytes) {
        int start = bytes.position();
        int end = bytes.limit();
        if (violation != null) {
            return 0;
        }
        int at = start;
        int frameStart = start;
        while (at < end) {
            if (payloadLeft > 0) {
                int taken = (int) Math.min(payloadLeft, end - at);
                if (checkingPayload && !checkText(bytes, at, taken)) {
                    violation = NOT_UTF8;
                    return Math.max(0, frameStart - start);
                }
                at += taken;
                payloadLeft -= taken;
                if (payloadLeft == 0 && checkingPayload && finalFrame && !utf8.complete()) {
                    violation = NOT_UTF8; // the message ends inside a character
                    return Math.max(0, frameStart - start);
                }
                continue;
            }
            if (headerLength == 0) {
                frameStart = at;
            }
            header[headerLength++] = bytes.get(at++);
            violation = headerLength >= 2 ? headerComplete() : null;
            if (violation != null) {
                return Math.max(0, frameStart - start);
            }
        }
        return end - start;
    }

    /** Unmasks and checks {@code count} bytes of a text frame's payload from {@code at}. */
    private boolean checkText(Buffer bytes, int at, int count) {
        for (int i = 0; i < count; i++, payloadAt++) {
            if (!utf8.accept((bytes.get(at + i) ^ mask[(int) (payloadAt & 3)]) & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** The violation found, or null. */
    Violation violation() {
        return violation;
    }

    /** Once the header is whole: checks it, starts skipping the payload; null while more is needed. */
    private Violation headerComplete() {
        if ((header[1] & 0x80) == 0) {
            return UNMASKED;
        }
        int lengthCode = header[1] & 0x7f;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        if (headerLength < 2 + extended + 4) {
            return null;
        }
        long length = lengthCode;
        if (extended > 0) {
            length = 0;
            for (int i = 0; i < extended; i++) {
                length = (length << 8) | (header[2 + i] & 0xff);
            }
        }
        headerLength = 0;
        if (length < 0) {
            return BAD_LENGTH; // the 64-bit length's most significant bit must be 0
        }
        int opcode = header[0] & 0x0f;
        boolean fin = (header[0] & 0x80) != 0;
        checkingPayload = false;
        if ((opcode & 0x08) != 0) {
            controlFrames.arrived(opcode);
        } else {
            messageBytes = opcode == 0 ? messageBytes + length : length;
            if (messageBytes > maxMessageBytes) {
                return TOO_BIG;
            }
            if (fin) {
                messageBytes = 0;
            }
            if (opcode != 0) {
                inText = opcode == 1;
                utf8.reset();
            }
            checkingPayload = inText;
            finalFrame = fin;
            System.arraycopy(header, 2 + extended, mask, 0, 4);
            payloadAt = 0;
            if (inText && fin && length == 0 && !utf8.complete()) {
                return NOT_UTF8;
            }
        }
        payloadLeft = length;
        return null;
    }
}
