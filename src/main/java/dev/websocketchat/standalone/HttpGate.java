package dev.websocketchat.standalone;

import dev.websocketchat.admission.HostPolicy;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Every plain HTTP request the standalone server answers passes here first, right behind
 * Grizzly's HTTP codec: a path that climbs out of the root ({@code ..}, however escaped) gets 400,
 * where Grizzly's own normaliser failed with an empty 500; and a request naming a host the server
 * does not answer to ({@link HostPolicy}: DNS rebinding) gets 403, for the page, {@code /health},
 * {@code /metrics} and {@code /rooms} alike. WebSocket handshakes go on untouched: the endpoint
 * judges their host and origin together and closes a foreign one with 1008. Each request that
 * arrives here has arrived whole, which its connection's {@link SocketBudget} deadline hears of.
 */
final class HttpGate extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(HttpGate.class.getName());

    private final HostPolicy hosts;
    private final Rooms rooms;

    HttpGate(Rooms rooms) {
        this.rooms = rooms;
        this.hosts = new HostPolicy(rooms.config().trustedOrigins());
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        ConnectionGuard guard = GuardFilter.guardOf(ctx.getConnection());
        if (guard != null && guard.upgraded()) {
            return ctx.getInvokeAction(); // WebSocket frames, which pass here as content of a request Grizzly has let go of
        }
        HttpContent message = ctx.getMessage();
        HttpHeader header = message.getHttpHeader();
        if (!(header instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        SocketBudget.requestArrived(ctx.getConnection());
        if (header.isUpgrade()) {
            return ctx.getInvokeAction();
        }
        if (climbsOut(request.getRequestURI())) {
            answer(ctx, request, 400, "Bad Request", "no such path\n");
            return ctx.getStopAction();
        }
        String host = request.getHeader("Host");
        if (!hosts.answersTo(host)) {
            rooms.metrics().rejected(Rejection.HOST);
            String peer = SocketBudget.peerIp(ctx.getConnection());
            rooms.logs().log(LOG, Level.INFO, "host", peer,
                    () -> HostPolicy.refusalLine(HostPolicy.request(request.getMethod().getMethodString(), request.getRequestURI()), peer, host));
            answer(ctx, request, 403, "Forbidden", "this server does not answer to that host\n");
            return ctx.getStopAction();
        }
        return ctx.getInvokeAction();
    }

    /** Whether the raw path has a {@code ..} segment, escaped ({@code %2e}) or not, with {@code /} or {@code \} (or {@code %2f}, {@code %5c}) around it. */
    static boolean climbsOut(String rawPath) {
        String path = rawPath.replaceAll("(?i)%2e", ".").replaceAll("(?i)%2f|%5c|\\\\", "/");
        return path.equals("..") || path.startsWith("../") || path.contains("/../") || path.endsWith("/..");
    }

    /** Answers the request with the status and a one-line body, then closes the connection. */
    static void answer(FilterChainContext ctx, HttpRequestPacket request, int status, String phrase, String body) {
        HttpResponsePacket response = request.getResponse();
        response.setStatus(status);
        response.setReasonPhrase(phrase);
        response.setContentType("text/plain;charset=utf-8");
        response.getProcessingState().setKeepAlive(false);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        Connection<?> connection = ctx.getConnection();
        Buffer content = Buffers.wrap(connection.getMemoryManager(), bytes);
        ctx.write(HttpContent.builder(response).content(content).last(true).build(), new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult written) {
                connection.closeSilently();
            }

            @Override
            public void failed(Throwable failure) {
                connection.terminateSilently();
            }
        });
    }
}
