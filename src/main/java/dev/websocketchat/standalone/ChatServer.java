package dev.websocketchat.standalone;

import dev.websocketchat.cluster.Cluster;
import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.endpoint.ChatEndpoint;
import dev.websocketchat.endpoint.RoomEndpoint;
import dev.websocketchat.endpoint.ChatRooms;
import dev.websocketchat.http.Report;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.metrics.ChatMetrics;
import dev.websocketchat.room.Rooms;
import dev.websocketchat.room.DaemonThreads;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.tyrus.container.grizzly.server.TyrusAddOns;

/**
 * The runnable jar: one Grizzly listener serves the page ({@code /}), {@code /health},
 * {@code /metrics}, {@code /rooms} and the chat endpoints ({@code /chat} and {@code /chat/{room}}, through Tyrus). {@code main} and the tests both start it through
 * {@link #start(ChatConfig)}.
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatServer.class.getName());
    private static final int SHUTDOWN_GRACE_SECONDS = 2;

    private final HttpServer http;
    private final EmbeddedTyrusContainer webSockets;
    private final Rooms rooms;
    private final GuardFilter guard;
    private final ScheduledExecutorService guardTimer;
    private final int port;

    private ChatServer(HttpServer http, EmbeddedTyrusContainer webSockets, Rooms rooms, GuardFilter guard,
                       ScheduledExecutorService guardTimer, int port) {
        this.http = http;
        this.webSockets = webSockets;
        this.rooms = rooms;
        this.guard = guard;
        this.guardTimer = guardTimer;
        this.port = port;
    }

    /** Starts serving; with {@code config.port()} 0 the system picks a free port, see {@link #port()}. */
    public static ChatServer start(ChatConfig config) throws IOException {
        ChatMetrics metrics = new ChatMetrics();
        Rooms rooms = Cluster.openRooms(config, metrics);
        ScheduledExecutorService guardTimer = DaemonThreads.timer("chat-guard");
        GuardFilter guard = new GuardFilter(rooms, guardTimer);
        EmbeddedTyrusContainer webSockets =
                new EmbeddedTyrusContainer(Set.of(ChatEndpoint.class, RoomEndpoint.class), readBufferBytes(config), guard::takeUpgrading);
        ChatEndpoint.setSessionDefaults(webSockets);
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("chat", config.host(), config.port());
        SocketBudget sockets = new SocketBudget(rooms, guardTimer);
        listener.registerAddOn((at, chain) -> chain.add(1, sockets)); // right behind the transport: before any HTTP
        listener.registerAddOn((at, chain) -> chain.add(chain.indexOfType(HttpServerFilter.class), new HttpGate(rooms)));
        listener.registerAddOn(guard.addOn()); // before Tyrus's, so that Tyrus's filter goes in right behind it
        listener.registerAddOn(TyrusAddOns.webSocket(webSockets, EmbeddedTyrusContainer.CONTEXT_PATH));
        listener.registerAddOn(guard.afterTyrus()); // last, so that it goes in right behind Tyrus's filter
        http.addListener(listener);
        SocketCount socketCount = SocketCount.of(listener.getTransport());
        metrics.countSockets(socketCount::open);
        ServerConfiguration routes = http.getServerConfiguration();
        // Grizzly's own error page names Grizzly and its version; this one says only what went wrong.
        routes.setDefaultErrorPageGenerator((request, status, phrase, description, failure) -> status + " " + phrase + "\n");
        for (Report report : Report.values()) {
            routes.addHttpHandler(new ReportHandler(report, rooms), report.path());
        }
        routes.addHttpHandler(new PageHandler(), "/");
        try {
            webSockets.start(EmbeddedTyrusContainer.CONTEXT_PATH, config.port());
            webSockets.doneDeployment();
            ChatRooms.bind(webSockets, rooms);
            http.start();
        } catch (DeploymentException | IOException | RuntimeException e) {
            ChatRooms.unbind(webSockets);
            http.shutdownNow();
            rooms.closeUnused();
            guardTimer.shutdownNow();
            throw e instanceof IOException io ? io : new IOException("cannot start the chat server", e);
        }
        int port = listener.getPort();
        LOG.info(() -> "chat server listening on http://" + config.host() + ":" + port + "/");
        return new ChatServer(http, webSockets, rooms, guard, guardTimer, port);
    }

    /**
     * Tyrus's per-connection read buffer, which holds a partial frame plus one socket read. The
     * {@link FrameScanner} refuses a message over {@code CHAT_MAX_FRAME} with 1009 from its header,
     * before Tyrus buffers it (Tyrus would answer 1011 once a frame outgrows this buffer). Sized
     * above the frame limit, it still bounds what one connection can make the server hold.
     */
    static int readBufferBytes(ChatConfig config) {
        return Math.max(1024 * 1024, 4 * config.maxFrame());
    }

    /** The port actually bound. */
    public int port() {
        return port;
    }

    public Rooms rooms() {
        return rooms;
    }

    /** Closes every connection with 1001, then stops listening; returns within a few seconds. */
    @Override
    public void close() {
        rooms.close();
        try {
            if (!guard.awaitClosesWritten(TimeUnit.SECONDS.toMillis(CloseHandshake.TIMEOUT_SECONDS))) {
                LOG.warning(() -> "stopping with close frames still unwritten after " + CloseHandshake.TIMEOUT_SECONDS
                        + " s: clients that read nothing get none");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ChatRooms.unbind(webSockets);
        try {
            http.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS).get(SHUTDOWN_GRACE_SECONDS + 1, TimeUnit.SECONDS);
        } catch (Exception e) {
            http.shutdownNow();
        }
        webSockets.stop();
        guardTimer.shutdownNow();
        LOG.info("chat server stopped");
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        useBundledLoggingUnlessConfigured();
        ChatConfig config;
        try {
            config = ChatConfig.load();
        } catch (IllegalArgumentException badSetting) {
            LOG.severe(() -> "cannot start: " + LogSafe.text(badSetting.getMessage()));
            System.exit(1);
            return;
        }
        ChatServer server;
        try {
            server = start(config);
        } catch (BindException taken) {
            LOG.severe(() -> "cannot listen on " + config.host() + ":" + config.port() + " (" + taken.getMessage()
                    + "): another program has that port; stop it, or choose another port with PORT, e.g. PORT=8080");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: the JVM is shutting down");
            server.close();
            stopped.countDown();
            ShutdownLogManager.resetAfterShutdown();
        }, "chat-shutdown"));
        stopped.await();
    }

    /** The jar's {@code logging.properties}, unless {@code -Djava.util.logging.config.file} names another. */
    private static void useBundledLoggingUnlessConfigured() throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream defaults = ChatServer.class.getResourceAsStream("/logging.properties")) {
            if (defaults != null) {
                LogManager.getLogManager().readConfiguration(defaults);
            }
        }
    }
}
