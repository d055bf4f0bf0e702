package dev.websocketchat.standalone;

import dev.websocketchat.admission.ClientAddress;
import dev.websocketchat.protocol.HandshakeKey;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Our Grizzly filter right in front of Tyrus's: it refuses the handshakes RFC 6455 forbids that
 * Tyrus lets through or answers with 500 (a method other than GET, a {@code Sec-WebSocket-Key}
 * missing, or not 16 bytes in base64: 400) and those over the client address's handshake budget
 * ({@code CHAT_ADDRESS_HANDSHAKES}: 429, before Tyrus or a room spends anything on them), gives
 * every upgraded connection its {@link ConnectionGuard}, and feeds that guard's {@link FrameScanner}
 * every byte the client sends before Tyrus sees it, until the server's close frame is queued;
 * after that, Tyrus sees nothing more. {@code docs/tyrus-findings.md} has a reproducer of each
 * gap for upstream.
 *
 * <p>Hand-off: Tyrus's filter upgrades the connection right after this one, on the same thread,
 * through {@link EmbeddedTyrusContainer}, which {@linkplain #takeUpgrading takes} the guard made
 * here. Held per thread for that one pass of the chain only: the container takes it before Tyrus
 * does anything else, and this filter drops any left over before it reads anything. The guard of
 * an upgraded connection is held too while its frames pass, for the one case in which Tyrus takes
 * them for a new handshake (see {@link EmbeddedTyrusContainer}).
 */
final class GuardFilter extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(GuardFilter.class.getName());
    private static final Attribute<ConnectionGuard> GUARD =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName());

    private final long maxMessageBytes;
    private final long maxPendingBytes;
    private final ScheduledExecutorService timer;
    private final Rooms rooms;
    private final ThreadLocal<ConnectionGuard> upgrading = new ThreadLocal<>();
    /** The guards of connections open now: one per connection, each removed as its connection closes. */
    private final Set<ConnectionGuard> open = ConcurrentHashMap.newKeySet();

    /**
     * @param rooms whose settings bound each connection, and whose budgets each handshake is taken from
     * @param timer runs the guards' close timeouts; the caller shuts it down
     */
    GuardFilter(Rooms rooms, ScheduledExecutorService timer) {
        this.rooms = rooms;
        this.maxMessageBytes = rooms.config().maxFrame();
        this.maxPendingBytes = rooms.config().sendQueueBytes();
        this.timer = timer;
    }

    /**
     * Puts this filter right in front of where Tyrus's add-on, registered after this one, puts its
     * own, and {@link UpgradedReads} right in front of Grizzly's HTTP codec.
     */
    AddOn addOn() {
        return (listener, chain) -> {
            chain.add(chain.indexOfType(HttpServerFilter.class), this);
            chain.add(chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class), new UpgradedReads());
        };
    }

    /** Puts {@link UpgradedReads.Leftovers} right behind Tyrus's filter: registered after Tyrus's add-on. */
    AddOn afterTyrus() {
        return (listener, chain) -> chain.add(chain.indexOfType(HttpServerFilter.class), new UpgradedReads.Leftovers());
    }

    /** The guard of a connection this filter has seen a WebSocket handshake on; null for any other. */
    static ConnectionGuard guardOf(Connection<?> connection) {
        return GUARD.get(connection);
    }

    /**
     * Waits until every WebSocket connection's close frame has reached its socket, or the
     * connection is gone, for {@code millis} at most; false if some had not. A stop waits so: the
     * close frame of a client that reads slowly waits in Grizzly's write queue behind a full
     * socket buffer, and stopping Grizzly then would drop it.
     */
    boolean awaitClosesWritten(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!open.stream().filter(ConnectionGuard::upgraded).allMatch(ConnectionGuard::closeWrittenOrGone)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The guard of the connection this thread is upgrading, once; null if there is none. */
    ConnectionGuard takeUpgrading() {
        ConnectionGuard guard = upgrading.get();
        upgrading.remove();
        return guard;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        upgrading.remove(); // one left from a pass in which Tyrus did not upgrade must never reach another connection
        HttpContent message = ctx.getMessage();
        ConnectionGuard guard = GUARD.get(ctx.getConnection());
        if (guard != null && guard.upgraded()) {
            if (guard.closeFrameQueued()) { // read on only for the client's close: see CloseHandshake
                guard.scanner().scan(message.getContent());
                message.getContent().tryDispose();
                return ctx.getStopAction();
            }
            upgrading.set(guard); // taken only if Tyrus has let the connection go meanwhile: see EmbeddedTyrusContainer
            return scan(ctx, message.getContent(), guard);
        }
        HttpHeader header = message.getHttpHeader();
        if (!header.isRequest() || !"websocket".equalsIgnoreCase(header.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) header;
        if (!Method.GET.equals(request.getMethod())) {
            rooms.metrics().rejected(Rejection.NOT_GET);
            HttpGate.answer(ctx, request, 400, "Bad Request", "a WebSocket handshake must be a GET\n");
            return ctx.getStopAction();
        }
        if (!HandshakeKey.isValid(header.getHeader("Sec-WebSocket-Key"))) {
            LOG.fine(() -> "refused a handshake with an invalid Sec-WebSocket-Key from " + ctx.getConnection().getPeerAddress());
            HttpGate.answer(ctx, request, 400, "Bad Request", "invalid Sec-WebSocket-Key\n");
            return ctx.getStopAction();
        }
        String peer = SocketBudget.peerIp(ctx.getConnection());
        String client = ClientAddress.of(peer, header.getHeader("X-Forwarded-For"), rooms.config().trustedProxies());
        if (!rooms.admitsHandshake(client, peer)) {
            request.getResponse().setHeader("Retry-After", "5");
            HttpGate.answer(ctx, request, 429, "Too Many Requests", "too many handshakes from your address\n");
            return ctx.getStopAction();
        }
        guard = new ConnectionGuard((NIOConnection) ctx.getConnection(), maxMessageBytes, maxPendingBytes, timer);
        ConnectionGuard opened = guard;
        open.add(opened);
        ctx.getConnection().addCloseListener((connection, type) -> open.remove(opened));
        GUARD.set(ctx.getConnection(), guard);
        upgrading.set(guard);
        return ctx.getInvokeAction();
    }

    /** Hands Tyrus what came before any violation, and nothing after. */
    private static NextAction scan(FilterChainContext ctx, Buffer content, ConnectionGuard guard) {
        boolean wasBroken = guard.scanner().violation() != null;
        int accepted = guard.scanner().scan(content);
        if (accepted == content.remaining()) {
            return ctx.getInvokeAction();
        }
        if (!wasBroken) {
            guard.broken(guard.scanner().violation());
        }
        if (accepted == 0) {
            content.tryDispose();
            return ctx.getStopAction();
        }
        content.limit(content.position() + accepted);
        return ctx.getInvokeAction();
    }
}
