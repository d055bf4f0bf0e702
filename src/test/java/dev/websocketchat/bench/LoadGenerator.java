package dev.websocketchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Many WebSocket clients on one selector thread, as cheap per frame as a client can be, so that
 * the server is what a benchmark measures: a frame is read only as far as the benchmark needs (a
 * chat's sender, sequence number and send time; a join's count) and sent with a zero mask. It is
 * a measuring instrument, not a WebSocket client for anything else: it assumes the server sends
 * each message in one unfragmented frame, as both servers under test do.
 *
 * <p>Every chat it sends has the text {@code "b <sender> <seq> <nanoTime>"}. Each client checks
 * that every sender's chats arrive complete and in order; a gap, a repeat or a reordering is a
 * {@link #violations() violation}, which voids the run.
 *
 * <p>Threads: all socket work happens on the loop thread; other threads hand it tasks.
 */
final class LoadGenerator implements AutoCloseable {

    private static final byte[] CHAT = "{\"type\":\"chat\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JOIN = "{\"type\":\"join\",\"online\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEAVE = "{\"type\":\"leave\",\"online\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT = "\"text\":\"b ".getBytes(StandardCharsets.US_ASCII);

    private final List<InetSocketAddress> servers;
    private final String path;
    /** Set before connecting: client {@code i} goes to room {@code <prefix><i % rooms>} at {@code path/<room>}; 0 for {@code path} itself. */
    private volatile int rooms;
    private volatile String roomPrefix = "r";
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Throwable crashed;

    /** What to do with each chat received, on the loop thread: (receiver, sender, seq, sentNanos). */
    interface ChatListener {
        void received(Client receiver, int sender, int seq, long sentNanos);
    }

    private ChatListener onChat = (receiver, sender, seq, sent) -> { };
    private long violations;
    private long framesReceived;

    LoadGenerator(InetSocketAddress server, String path) throws IOException {
        this(List.of(server), path);
    }

    /** Spreads its clients over the servers in turn, so that every room has clients on every server; see {@link #serverOf}. */
    LoadGenerator(List<InetSocketAddress> servers, String path) throws IOException {
        this.servers = List.copyOf(servers);
        this.path = path;
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "load-generator");
        loop.start();
    }

    /** One connection. Fields are the loop thread's own. */
    final class Client {
        final int index;
        private final SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer in = ByteBuffer.allocate(4096);
        private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        private boolean upgraded;
        private boolean reading = true;
        private int[] nextSeq = new int[0];
        /** The count of the last join or leave announcement this client read. */
        int lastOnline;
        long chats;
        CompletableFuture<Client> ready = new CompletableFuture<>();

        private Client(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        /** Sends {@code "b index seq nanoTime"} as a chat, on the loop thread. */
        void sendChat(int seq) {
            String json = "{\"type\":\"chat\",\"name\":\"b\",\"text\":\"b " + index + " " + seq + " " + System.nanoTime() + "\"}";
            write(frame(json.getBytes(StandardCharsets.US_ASCII)));
        }

        /** Forgets the sequence numbers seen, before a workload whose senders start again at 0. */
        void resetOrder() {
            nextSeq = new int[0];
        }

        /** Stops reading, so the server's frames pile up for it. */
        void stall() {
            reading = false;
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }

        private void write(ByteBuffer frame) {
            out.add(frame);
            flush();
        }

        private void flush() {
            try {
                while (!out.isEmpty()) {
                    channel.write(out.peek());
                    if (out.peek().hasRemaining()) {
                        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                        return;
                    }
                    out.poll();
                }
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            } catch (IOException e) {
                fail(e);
            }
        }

        private void read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed connection " + index);
            }
            in.flip();
            if (!upgraded && !readHandshake()) {
                in.compact();
                return;
            }
            while (readFrame()) {
                framesReceived++;
            }
            in.compact();
        }

        private boolean readHandshake() throws IOException {
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    byte[] head = new byte[i - in.position()];
                    in.get(head);
                    in.position(i + 4);
                    if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
                        throw new IOException("handshake refused: " + new String(head, StandardCharsets.US_ASCII));
                    }
                    upgraded = true;
                    return true;
                }
            }
            return false;
        }

        /** Consumes one whole frame if the buffer holds one. */
        private boolean readFrame() {
            int start = in.position();
            if (in.remaining() < 2) {
                return false;
            }
            int opcode = in.get(start) & 0x0f;
            int length = in.get(start + 1) & 0x7f;
            int header = 2;
            if (length == 126) {
                if (in.remaining() < 4) {
                    return false;
                }
                length = ((in.get(start + 2) & 0xff) << 8) | (in.get(start + 3) & 0xff);
                header = 4;
            } else if (length == 127) {
                if (in.remaining() < 10) {
                    return false;
                }
                length = (int) in.getLong(start + 2);
                header = 10;
            }
            if (in.remaining() < header + length) {
                if (header + length > in.capacity()) {
                    in = ByteBuffer.allocate(header + length).put(in); // grow; flipped back below
                    in.flip();
                }
                return false;
            }
            int payload = start + header;
            if (opcode == 0x1) {
                text(payload, length);
            } else if (opcode == 0x9) {
                write(control(0xA)); // answer pings, as a browser does
            }
            in.position(payload + length);
            return true;
        }

        private void text(int at, int length) {
            if (!ready.isDone()) {
                ready.complete(this); // the history: admitted
            }
            if (startsWith(at, length, CHAT)) {
                chats++;
                int text = indexOf(at, length, TEXT);
                if (text >= 0) {
                    int[] position = {text + TEXT.length};
                    int sender = (int) number(position);
                    int seq = (int) number(position);
                    long sent = number(position);
                    checkOrder(sender, seq);
                    onChat.received(this, sender, seq, sent);
                }
            } else if (startsWith(at, length, JOIN)) {
                lastOnline = (int) number(new int[] {at + JOIN.length});
            } else if (startsWith(at, length, LEAVE)) {
                lastOnline = (int) number(new int[] {at + LEAVE.length});
            }
        }

        private void checkOrder(int sender, int seq) {
            if (sender >= nextSeq.length) {
                nextSeq = Arrays.copyOf(nextSeq, sender + 1);
            }
            if (seq != nextSeq[sender]) {
                violations++;
            }
            nextSeq[sender] = seq + 1;
        }

        private long number(int[] position) {
            int i = position[0];
            long value = 0;
            while (in.get(i) >= '0' && in.get(i) <= '9') {
                value = value * 10 + in.get(i++) - '0';
            }
            position[0] = i + 1;
            return value;
        }

        private boolean startsWith(int at, int length, byte[] prefix) {
            if (length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (in.get(at + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private int indexOf(int at, int length, byte[] wanted) {
            outer:
            for (int i = at; i + wanted.length <= at + length; i++) {
                for (int j = 0; j < wanted.length; j++) {
                    if (in.get(i + j) != wanted[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private void fail(IOException e) {
            ready.completeExceptionally(e);
            key.cancel();
        }
    }

    /** Spreads the clients connected from now on over this many rooms, by index, named with the prefix; see {@link #rooms}. */
    void spreadOver(int roomCount, String prefix) {
        rooms = roomCount;
        roomPrefix = prefix;
    }

    /**
     * Opens {@code count} more connections, at most {@code window} handshakes at a time, and
     * returns once each has its history (is admitted).
     */
    List<Client> connect(int count, int window, long timeoutSeconds) throws Exception {
        List<Client> opened = new ArrayList<>();
        ArrayDeque<CompletableFuture<Client>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            if (inFlight.size() >= window) {
                inFlight.poll().get(timeoutSeconds, TimeUnit.SECONDS);
            }
            Client client = call(this::open);
            opened.add(client);
            inFlight.add(client.ready);
        }
        for (CompletableFuture<Client> pending : inFlight) {
            pending.get(timeoutSeconds, TimeUnit.SECONDS);
        }
        return opened;
    }

    private Client open() {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Client client = new Client(clients.size(), channel);
            clients.add(client);
            client.key = channel.register(selector, SelectionKey.OP_CONNECT, client);
            channel.connect(serverOf(client));
            return client;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Client {@code i}'s server: {@code i % n} when all are in one room, else {@code (i / rooms) % n},
     * as room {@code i % rooms} would otherwise have all its clients on one server whenever the
     * count of rooms is a multiple of the count of servers.
     */
    private InetSocketAddress serverOf(Client client) {
        return servers.get((rooms == 0 ? client.index : client.index / rooms) % servers.size());
    }

    private void handshake(Client client) {
        InetSocketAddress server = serverOf(client);
        String target = rooms == 0 ? path : path + "/" + roomPrefix + client.index % rooms;
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        client.key.interestOps(SelectionKey.OP_READ);
        client.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Runs the action on the loop thread and waits for its result. */
    <T> T call(java.util.function.Supplier<T> action) throws Exception {
        if (crashed != null) {
            throw new IllegalStateException("the load generator's loop failed", crashed);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }

    /** Runs the action on the loop thread, without waiting. */
    void execute(Runnable action) {
        tasks.add(action);
        selector.wakeup();
    }

    /** Sets what happens on each chat received; call between workloads. */
    void onChat(ChatListener listener) throws Exception {
        call(() -> {
            onChat = listener;
            return null;
        });
    }

    long violations() throws Exception {
        return call(() -> violations);
    }

    long framesReceived() throws Exception {
        return call(() -> framesReceived);
    }

    /** Applies the action to every client, on the loop thread. */
    void forEach(Consumer<Client> action) throws Exception {
        call(() -> {
            clients.forEach(action);
            return null;
        });
    }

    private void run() {
        try {
            while (running) {
                selector.select();
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Client client = (Client) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (key.isConnectable() && client.channel.finishConnect()) {
                            handshake(client);
                        } else {
                            if (key.isWritable()) {
                                client.flush();
                            }
                            if (key.isValid() && key.isReadable() && client.reading) {
                                client.read();
                            }
                        }
                    } catch (IOException e) {
                        client.fail(e);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            crashed = e; // reported by the next call
        }
    }

    private static ByteBuffer frame(byte[] payload) {
        int header = payload.length < 126 ? 2 : 4;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + payload.length);
        frame.put((byte) 0x81);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        frame.putInt(0); // a zero mask: legal, and no XOR to pay for
        return frame.put(payload).flip();
    }

    private static ByteBuffer control(int opcode) {
        return ByteBuffer.wrap(new byte[] {(byte) (0x80 | opcode), (byte) 0x80, 0, 0, 0, 0});
    }

    @Override
    public void close() throws Exception {
        call(() -> {
            for (Client client : clients) {
                try {
                    client.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            clients.clear();
            return null;
        });
        running = false;
        selector.wakeup();
        loop.join(5000);
        selector.close();
    }
}
