package dev.websocketchat.admission;

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

    /** The TCP peer: its IP address, and how logs show it (with the port where known). */
    record Seen(String ip, String display) {
        static final Seen UNKNOWN = new Seen("unknown", "unknown");
    }

    /** The header value by which the filter vouches for the peer's address and port. */
    public static String vouch(String ip, int port) {
        return TOKEN + " " + ip + " " + port;
    }

    /** The peer a header value vouches for, or null if the filter did not write it. */
    static Seen vouchedBy(String header) {
        if (header == null || !header.startsWith(TOKEN + " ")) {
            return null;
        }
        String[] ipAndPort = header.substring(TOKEN.length() + 1).split(" ");
        return new Seen(ipAndPort[0], ipAndPort[0] + ":" + ipAndPort[1]);
    }

    /** @param vouched the peer from the handshake header, or null */
    static Seen of(Session session, Seen vouched) {
        if (vouched != null) {
            return vouched;
        }
        if (session.getUserProperties().get(JETTY_PROPERTY) instanceof InetSocketAddress address) {
            return new Seen(address.getHostString(), address.getHostString() + ":" + address.getPort());
        }
        try {
            Object address = session.getClass().getMethod("getRemoteAddr").invoke(session);
            return address == null ? Seen.UNKNOWN : new Seen(address.toString(), address.toString());
        } catch (ReflectiveOperationException | RuntimeException notTyrus) {
            return Seen.UNKNOWN;
        }
    }

    private static String newToken() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
