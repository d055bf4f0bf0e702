package dev.websocketchat.war;

import dev.websocketchat.admission.ClientAddress;
import dev.websocketchat.admission.HandshakePolicy;
import dev.websocketchat.admission.RemoteAddress;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.HandshakeKey;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Judges a WebSocket handshake in the WAR before the container upgrades it: a path that names no
 * room ({@code /chat/{room}}, see {@link Rooms#isValidName}) gets HTTP 404, a foreign host or
 * origin HTTP 403, a full server or an address over its limit HTTP 503, and an accepted handshake carries the client's address to
 * the endpoint ({@link RemoteAddress}). That works where the container runs the application's
 * filters before its own upgrade (Tomcat, WildFly and Payara do, as the WAR tests check);
 * elsewhere, and in the standalone server, the endpoint refuses the same handshakes with a close
 * (1008, 1013) instead. {@link HandshakePolicy} and {@link Rooms} decide in both places; the rooms
 * still enforces the limit, since two handshakes may pass this check at once.
 */
@WebFilter({"/chat", "/chat/*"})
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    /**
     * Set on a request once judged. WildFly and Payara run the filter a second time for a path
     * that both its patterns match ({@code /chat}), which took two handshakes from the address's
     * budget for one, and on a budget refilling one at a time refused every handshake after the
     * burst.
     */
    private static final String JUDGED = HandshakeFilter.class.getName() + ".judged";
    /** RFC 6585's status, which the Servlet API names no constant for. */
    private static final int SC_TOO_MANY_REQUESTS = 429;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(JUDGED) != null) { // Undertow and Payara run it once for each of its two patterns
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(JUDGED, Boolean.TRUE);
        Rooms rooms = ChatApplication.rooms(getServletContext());
        if (!Rooms.isValidName(roomOf(request))) {
            rooms.metrics().rejected(Rejection.NO_SUCH_ROOM);
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such room");
            return;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        if (upgrade && !"GET".equals(request.getMethod())) {
            rooms.metrics().rejected(Rejection.NOT_GET);
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "a WebSocket handshake must be a GET");
            return;
        }
        if (upgrade && !HandshakeKey.isValid(request.getHeader("Sec-WebSocket-Key"))) {
            // Some containers take a handshake without a valid key for a plain request (404); RFC 6455 says 400.
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "invalid Sec-WebSocket-Key");
            return;
        }
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        Rejection refusal = new HandshakePolicy(rooms.config()).judge(origin, host, request.getScheme());
        if (refusal != null) {
            rooms.metrics().rejected(refusal);
            rooms.logs().log(LOG, Level.INFO, refusal.name().toLowerCase(Locale.ROOT), request.getRemoteAddr(),
                    () -> HandshakePolicy.logLine(refusal, request.getRemoteAddr(), origin, host));
            response.sendError(HttpServletResponse.SC_FORBIDDEN, HandshakePolicy.reason(refusal));
            return;
        }
        String client = ClientAddress.of(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"), rooms.config().trustedProxies());
        if (upgrade && !rooms.admitsHandshake(client, request.getRemoteAddr())) {
            response.setHeader("Retry-After", "5");
            response.sendError(SC_TOO_MANY_REQUESTS, "too many handshakes from your address");
            return;
        }
        int perAddress = rooms.config().maxConnectionsPerAddress();
        if (perAddress > 0 && rooms.connectionsFrom(client) >= perAddress) {
            rooms.metrics().rejected(Rejection.ADDRESS_FULL);
            rooms.logs().log(LOG, Level.INFO, "address_full", client, () -> "refused a handshake from " + request.getRemoteAddr() + ": "
                    + perAddress + " connections from " + LogSafe.text(client, 45) + " are the limit");
            response.setHeader("Retry-After", "10");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many connections from your address");
            return;
        }
        if (rooms.online() >= rooms.config().maxConnections()) {
            rooms.metrics().rejected(Rejection.SERVER_FULL);
            rooms.logs().log(LOG, Level.INFO, "server_full", client, () -> "refused a handshake from " + request.getRemoteAddr() + ": "
                    + rooms.config().maxConnections() + " connections are the limit");
            response.setHeader("Retry-After", "10");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server full");
            return;
        }
        chain.doFilter(withVouchedAddress(request), response);
    }

    /**
     * The room the path names: {@code /chat} is the lobby, {@code /chat/{room}} the room, decoded as
     * the container decodes a path parameter. (Not the path info: behind the default servlet it is null.)
     */
    private static String roomOf(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/chat")) {
            return Rooms.LOBBY;
        }
        try {
            return URI.create(path).getPath().substring("/chat/".length());
        } catch (IllegalArgumentException notAPath) {
            return "";
        }
    }

    /** The first sign of an undeploy, while the container can still send: see {@link ChatApplication}. */
    @Override
    public void destroy() {
        ChatApplication.rooms(getServletContext()).close();
    }

    private static HttpServletRequest withVouchedAddress(HttpServletRequest request) {
        String vouched = RemoteAddress.vouch(request.getRemoteAddr(), request.getRemotePort());
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return RemoteAddress.HEADER.equalsIgnoreCase(name) ? vouched : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return RemoteAddress.HEADER.equalsIgnoreCase(name)
                        ? Collections.enumeration(List.of(vouched)) : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = Collections.list(super.getHeaderNames());
                names.removeIf(RemoteAddress.HEADER::equalsIgnoreCase);
                names.add(RemoteAddress.HEADER);
                return Collections.enumeration(names);
            }
        };
    }
}
