package dev.websocketchat.endpoint;

import jakarta.websocket.Session;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client's address for the logs. The WebSocket API has no standard way to ask, so this tries,
 * in order: the address the WAR's servlet filter vouched for in a handshake header (the filter
 * sees {@code getRemoteAddr()}, the endpoint does not); the user property Jetty sets; Tyrus's
 * public {@code getRemoteAddr()} on its session (the standalone server, Payara); else
 * {@code "unknown"}. It is the TCP peer, so behind a proxy it is the proxy.
 *
 * <p>A client cannot forge the header: its value carries a random token made when the
 * application starts, which only the filter knows.
 */
public final class RemoteAddress {

    /** Set by the servlet filter on the handshake request; any value the client sent is replaced. */
    public static final String HEADER = "X-Chat-Remote-Address";
    private static final String TOKEN = newToken();
    private static final String JETTY_PROPERTY = "jakarta.websocket.endpoint.remoteAddress";

    private RemoteAddress() {
    }

    /** The header value by which the filter vouches for an address. */
    public static String vouch(String address) {
        return TOKEN + " " + address;
    }

    /** The address a header value vouches for, or null if the filter did not write it. */
    static String vouchedBy(String header) {
        return header != null && header.startsWith(TOKEN + " ") ? header.substring(TOKEN.length() + 1) : null;
    }

    /** @param vouched the address from the handshake header, or null */
    static String of(Session session, String vouched) {
        if (vouched != null) {
            return vouched;
        }
        if (session.getUserProperties().get(JETTY_PROPERTY) instanceof InetSocketAddress address) {
            return address.getHostString() + ":" + address.getPort();
        }
        try {
            Object address = session.getClass().getMethod("getRemoteAddr").invoke(session);
            return address == null ? "unknown" : address.toString();
        } catch (ReflectiveOperationException | RuntimeException notTyrus) {
            return "unknown";
        }
    }

    private static String newToken() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
