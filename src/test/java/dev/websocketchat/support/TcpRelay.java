package dev.websocketchat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A network the tests can break: a loopback TCP relay to a server. {@link #cut()} resets every
 * connection through it and holds new ones (the client's connect succeeds, its bytes wait in the
 * backlog) until {@link #restore()}, as a dropped Wi-Fi link would look to a browser.
 * {@link #stall()} breaks it silently: every byte either way is held, nothing is reset or closed,
 * until {@link #restore()} lets what was held through, as a link that goes quiet and comes back;
 * {@link #admitNew()} lets new connections through first, the stalled ones still held.
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final Semaphore gate = new Semaphore(1);
    /** Whether the bytes of every connection are held; guarded by {@link #held}. */
    private boolean stalled;
    /** Connections whose bytes are held whatever {@link #stalled} says; guarded by {@link #held}. */
    private final Set<Socket> stalledSockets = new HashSet<>();
    private final Object held = new Object();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tcp-relay");
        thread.setDaemon(true);
        return thread;
    });

    private TcpRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A relay to the host and port of the given application URI. */
    public static TcpRelay to(URI application) throws IOException {
        return new TcpRelay(new InetSocketAddress(application.getHost(), application.getPort()));
    }

    /** The same URI with the relay's host and port. */
    public URI uri(URI application) {
        return URI.create(application.getScheme() + "://127.0.0.1:" + listener.getLocalPort() + application.getRawPath());
    }

    /** Resets every relayed connection at once and holds new ones until {@link #restore()}. */
    public void cut() throws InterruptedException {
        gate.acquire();
        for (Socket socket : sockets) {
            reset(socket);
        }
    }

    /** Holds every byte from now on, on the connections open and on new ones, until {@link #restore()}; closes nothing. */
    public void stall() {
        synchronized (held) {
            stalled = true;
            stalledSockets.addAll(sockets);
        }
    }

    /** After a {@link #stall()}: connections opened from now on (and those opened during it) flow; the stalled ones stay held. */
    public void admitNew() {
        synchronized (held) {
            stalled = false;
            held.notifyAll();
        }
    }

    /** Ends a {@link #cut()} or a {@link #stall()}. */
    public void restore() {
        synchronized (held) {
            if (stalled || !stalledSockets.isEmpty()) {
                stalled = false;
                stalledSockets.clear();
                held.notifyAll();
                return;
            }
        }
        gate.release();
    }

    /** Waits while the link is stalled, three minutes at most, so a test that forgets to restore still ends. */
    private void awaitFlowing(Socket from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        synchronized (held) {
            while ((stalled || stalledSockets.contains(from)) && System.nanoTime() < deadline) {
                held.wait(1000);
            }
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                gate.acquire(); // while cut, the client waits here, connected to nothing
                gate.release();
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                threads.execute(() -> pump(client, server, true));
                threads.execute(() -> pump(server, client, false));
            } catch (IOException | InterruptedException e) {
                return; // closed
            }
        }
    }

    /** The first line of what each client sent, in the order they connected: the handshake's {@code GET}. */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            boolean first = fromClient;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (first) {
                    String start = new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                    requestLines.add(start.contains("\r\n") ? start.substring(0, start.indexOf("\r\n")) : start);
                    first = false;
                }
                awaitFlowing(from);
                out.write(buffer, 0, read);
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        } catch (IOException ended) {
            // one side is gone; the other is reset below, as a broken link would do
        } finally {
            reset(from);
            reset(to);
        }
    }

    private void reset(Socket socket) {
        sockets.remove(socket);
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException alreadyGone) {
            // nothing left to reset
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(this::reset);
        threads.shutdownNow();
    }
}
