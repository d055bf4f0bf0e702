package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare TCP socket that performs the WebSocket handshake and nothing else, for what a real
 * client library will not do: reset the connection ({@link #reset()}), or go silent and never
 * answer a ping. It never reads unless asked, so the server's frames pile up unanswered.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket, DataInputStream in) {
        this.socket = socket;
        this.in = in;
    }

    /** Connects and upgrades; the server's 101 is checked and its frames are left unread. */
    public static RawWebSocket open(URI uri) throws IOException {
        return open(uri, 0);
    }

    /**
     * As {@link #open(URI)}, with a fixed receive buffer when {@code receiveBufferBytes} is positive.
     * Loopback buffers otherwise grow to many megabytes and hide a reader that has stopped.
     */
    public static RawWebSocket open(URI uri, int receiveBufferBytes) throws IOException {
        RawWebSocket raw = connect(uri, receiveBufferBytes);
        String head = raw.handshake(uri, "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Sec-WebSocket-Key: " + newKey() + "\r\n");
        assertThat(head).startsWith("HTTP/1.1 101");
        return raw;
    }

    /**
     * As {@link #open(URI)}, from a loopback address of its own ({@code 127.0.0.2} and up), which
     * the server's per-address budgets count apart from {@code 127.0.0.1}; the head of the answer,
     * whatever it is, and the socket (closed unless the answer was 101).
     */
    public static RawWebSocket openFrom(String localAddress, URI uri, StringBuilder head) throws IOException {
        RawWebSocket raw = connectFrom(localAddress, uri, 0);
        head.append(raw.handshake(uri, "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Sec-WebSocket-Key: " + newKey() + "\r\n"));
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            raw.close();
        }
        return raw;
    }

    /** A TCP connection to the server, not yet upgraded; {@link #handshake} upgrades it. */
    public static RawWebSocket connect(URI uri, int receiveBufferBytes) throws IOException {
        return connectFrom(null, uri, receiveBufferBytes);
    }

    /** As {@link #connect(URI, int)}, from a local address of its own when {@code localAddress} is not null. */
    public static RawWebSocket connectFrom(String localAddress, URI uri, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        }
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), (int) ChatClient.WAIT.toMillis());
        socket.setSoTimeout((int) ChatClient.WAIT.toMillis());
        return new RawWebSocket(socket, new DataInputStream(socket.getInputStream()));
    }

    /**
     * Sends an upgrade request for the URI's path and query with the given header lines (each ending in
     * CRLF; {@code Host} and {@code Sec-WebSocket-Key} among them, or left out on purpose) besides
     * {@code Upgrade}, {@code Connection} and the version; returns the response head.
     */
    public String handshake(URI uri, String headers) throws IOException {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = "GET " + target + " HTTP/1.1\r\n" + headers
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";
        sendRaw(request.getBytes(StandardCharsets.UTF_8));
        return readHead(in);
    }

    /** A fresh, valid {@code Sec-WebSocket-Key}. */
    public static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Sends a masked ping with the payload (125 bytes at most). */
    public void sendPing(byte[] payload) throws IOException {
        sendFrame(0x9, payload, true, true);
    }

    /** Reads the server's next frame: 0 if it is a text frame (the first of an admitted connection is its history), else the close code. */
    public int nextFrameCloseCode() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            byte[] payload = readPayload();
            int opcode = first & 0x0f;
            if (opcode == 0x8) {
                return closeCode(payload);
            }
            if (opcode == 0x1) {
                return 0;
            }
        }
    }

    /** One frame as the server sent it: its opcode, whether it ends its message, and its payload. */
    public record Received(int opcode, boolean fin, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's status code; 1005 if it has none. */
        public int closeCode() {
            return RawWebSocket.closeCode(payload);
        }
    }

    /** The server's next frame, whatever it is; null if the connection ended (end of stream or reset) first. */
    public Received nextFrame() throws IOException {
        try {
            int first = in.readUnsignedByte();
            return new Received(first & 0x0f, (first & 0x80) != 0, readPayload());
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return null;
        }
    }

    /** Reads to the server's close frame: its code and reason, as {@code "4401 token expired"}; "no close frame" if the connection ended without one. */
    public String closeWithReason() throws IOException {
        for (Received frame = nextFrame(); frame != null; frame = nextFrame()) {
            if (frame.opcode() == 0x8) {
                return frame.closeCode() + " " + new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8);
            }
        }
        return "no close frame";
    }

    /** Reads text frames until one contains {@code part}, and returns it; fails if the connection ends first. */
    public String textWith(String part) throws IOException {
        String[] found = new String[1];
        assertThat(readUntil(text -> {
            found[0] = text;
            return text.contains(part);
        })).as("a frame with %s", part).isTrue();
        return found[0];
    }

    /** Reads and discards frames until the server's close frame; returns its status code. */
    public int awaitCloseCode() throws IOException {
        return readUntilClose(new ArrayList<>());
    }

    /** Reads frames until the server's close frame, adding each text frame to {@code texts}; returns the close code. */
    public int readUntilClose(List<String> texts) throws IOException {
        return readUntilClose(texts, Duration.ZERO);
    }

    /** As {@link #readUntilClose(List)}, pausing before each frame: a reader slower than the server writes. */
    private int readUntilClose(List<String> texts, Duration pause) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean inText = false;
        while (true) {
            pause(pause);
            int first = in.readUnsignedByte();
            byte[] payload = readPayload();
            int opcode = first & 0x0f;
            boolean fin = (first & 0x80) != 0;
            if (opcode == 0x8) {
                return closeCode(payload);
            }
            if (opcode == 0x1 || (opcode == 0x0 && inText)) { // a text frame, or a continuation of one
                message.write(payload);
                inText = !fin;
                if (fin) {
                    texts.add(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                }
            }
        }
    }

    /**
     * Reads to the server's close frame no faster than a link of {@code bytesPerSecond} would
     * carry it; returns its code, or -1 if the connection ended without one.
     */
    public int readToTheEndAt(long bytesPerSecond) throws IOException {
        long start = System.nanoTime();
        long bytes = 0;
        try {
            while (true) {
                int first = in.readUnsignedByte();
                byte[] payload = readPayload();
                if ((first & 0x0f) == 0x8) {
                    return closeCode(payload);
                }
                bytes += 2 + payload.length;
                pause(Duration.ofNanos(start + bytes * 1_000_000_000L / bytesPerSecond - System.nanoTime()));
            }
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return -1;
        }
    }

    private static int closeCode(byte[] payload) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }

    private static void pause(Duration pause) throws java.io.InterruptedIOException {
        if (pause.isNegative() || pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading");
        }
    }

    private byte[] readPayload() throws IOException {
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return payload;
    }

    /** Sends a masked text frame, as a client must. */
    public void sendText(String text) throws IOException {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8), true, true);
    }

    /**
     * Sends one frame exactly as told, well-formed or not: any opcode (reserved ones included),
     * a fragment ({@code fin} false), or unmasked, which a server must treat as a protocol error.
     */
    public void sendFrame(int opcode, byte[] payload, boolean fin, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            frame.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        sendRaw(frame.toByteArray());
    }

    /** How long a read may wait before it fails with a timeout; the client wait by default. */
    public void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Writes bytes to the socket as they are: half a frame, or no frame at all. */
    public void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /**
     * Reads until a text frame passes the test; returns false if the connection ended first
     * (close frame, end of stream or reset). Fails on the client wait's timeout.
     */
    public boolean readUntil(java.util.function.Predicate<String> wanted) throws IOException {
        try {
            while (true) {
                int first = in.readUnsignedByte();
                byte[] payload = readPayload();
                int opcode = first & 0x0f;
                if (opcode == 0x8) {
                    return false;
                }
                if (opcode == 0x1 && (first & 0x80) != 0 && wanted.test(new String(payload, StandardCharsets.UTF_8))) {
                    return true;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return false;
        }
    }

    /** Reads to the server's close frame and returns its code; -1 if the connection ended without one. */
    public int readToTheEnd() throws IOException {
        return readToTheEnd(Duration.ZERO);
    }

    /** As {@link #readToTheEnd()}, pausing before each frame: a reader slower than the server writes. */
    public int readToTheEnd(Duration pause) throws IOException {
        try {
            return readUntilClose(new ArrayList<>(), pause);
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return -1;
        }
    }

    /** Closes with SO_LINGER 0: the peer gets a TCP RST, no close frame, no FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
