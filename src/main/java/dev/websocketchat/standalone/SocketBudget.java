package dev.websocketchat.standalone;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogThrottle;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * What one address may hold of the standalone server's sockets, before any HTTP is read: the
 * first filter behind Grizzly's transport. At most {@code CHAT_MAX_SOCKETS_PER_ADDRESS} TCP
 * connections from one TCP peer at once (a trusted proxy's are not counted: its clients are
 * counted by the per-address budgets above the socket); one more is closed as it is accepted, so
 * raw sockets that never finish a request cannot take the process's descriptors. And every socket
 * that is not a WebSocket must make progress: a connection on which no request arrived whole
 * within {@code CHAT_REQUEST_SECONDS}, or between one request and the next, is closed (slowloris,
 * idle keep-alives).
 *
 * <p>Thread-safe. Counts live in a map holding only addresses with a socket open; each accepted
 * socket has one timer task at a time until it is upgraded or closed, and its close cancels the
 * task: a pending task keeps its closed connection reachable, and a churn of refused handshakes
 * would keep every connection of the last {@code CHAT_REQUEST_SECONDS} in the heap.
 */
final class SocketBudget extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(SocketBudget.class.getName());
    private static final Attribute<Tracked> TRACKED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(SocketBudget.class.getName());

    private final ChatConfig config;
    private final ScheduledExecutorService timer;
    private final LogThrottle logs;
    private final Meters meters;
    /**
     * Sockets open now by TCP peer address, counted ones only: an entry per address with a socket
     * open, so at most {@code CHAT_MAX_SOCKETS_PER_ADDRESS} per address and as many entries as the
     * process has sockets open.
     */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /** @param rooms whose settings, log throttle and meters the budget uses */
    SocketBudget(Rooms rooms, ScheduledExecutorService timer) {
        this.config = rooms.config();
        this.timer = timer;
        this.logs = rooms.logs();
        this.meters = rooms.metrics();
    }

    /** One accepted socket: whether it is counted, and how many requests have arrived on it. */
    private static final class Tracked {
        private final String address;
        private volatile int requests;
        private volatile boolean done;
        /** Its deadline, cancelled when it closes: a pending task holds the closed connection's memory until it runs. */
        private volatile ScheduledFuture<?> deadline;

        Tracked(String address) {
            this.address = address;
        }
    }

    /** A request arrived whole on the connection, or it was upgraded: it made progress. */
    static void requestArrived(Connection<?> connection) {
        Tracked tracked = TRACKED.get(connection);
        if (tracked != null) {
            tracked.requests++;
        }
    }

    /** The TCP peer's IP address, without its port: what every per-address count of the jar is keyed by. */
    static String peerIp(Connection<?> connection) {
        return connection.getPeerAddress() instanceof InetSocketAddress peer && peer.getAddress() != null
                ? peer.getAddress().getHostAddress() : String.valueOf(connection.getPeerAddress());
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        String address = peerIp(connection);
        int limit = config.maxSocketsPerAddress();
        boolean counted = limit > 0 && !config.trustedProxies().contains(address);
        if (counted && open.merge(address, 1, Integer::sum) > limit) {
            release(address);
            meters.rejected(Rejection.ADDRESS_SOCKETS);
            logs.log(LOG, Level.INFO, "sockets", address, () -> "closed a socket from " + address + " as it was accepted: "
                    + limit + " open from it are the limit (CHAT_MAX_SOCKETS_PER_ADDRESS)");
            connection.closeSilently();
            return ctx.getStopAction();
        }
        Tracked tracked = new Tracked(counted ? address : null);
        TRACKED.set(connection, tracked);
        watch(connection, tracked, 0);
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        Tracked tracked = TRACKED.remove(ctx.getConnection());
        if (tracked != null) {
            tracked.done = true;
            cancel(tracked);
            if (tracked.address != null) {
                release(tracked.address);
            }
        }
        return ctx.getInvokeAction();
    }

    /** Closes the connection at the deadline unless a request arrived meanwhile or it became a WebSocket. */
    private void watch(Connection<?> connection, Tracked tracked, int requestsBefore) {
        tracked.deadline = timer.schedule(() -> {
            ConnectionGuard guard = GuardFilter.guardOf(connection);
            if (tracked.done || guard != null && guard.upgraded()) {
                return;
            }
            int requests = tracked.requests;
            if (requests == requestsBefore) {
                meters.rejected(Rejection.REQUEST_TIMEOUT);
                String address = peerIp(connection);
                logs.log(LOG, Level.INFO, "request_timeout", address, () -> "closed a socket from " + address
                        + ": no whole request within " + config.requestSeconds() + " s (CHAT_REQUEST_SECONDS)");
                connection.closeSilently();
                return;
            }
            watch(connection, tracked, requests);
        }, config.requestSeconds(), TimeUnit.SECONDS);
        if (tracked.done) { // closed while it was being scheduled
            cancel(tracked);
        }
    }

    private static void cancel(Tracked tracked) {
        ScheduledFuture<?> deadline = tracked.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void release(String address) {
        open.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }
}
