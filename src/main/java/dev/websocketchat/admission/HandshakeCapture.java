package dev.websocketchat.admission;

import dev.websocketchat.identity.Credentials;
import dev.websocketchat.identity.Gate;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Keeps what {@link ChatEndpoint} needs from the handshake: the standard API shows request
 * headers only here, and {@code checkOrigin} alone cannot compare the origin with {@code Host}.
 * The container hands {@code modifyHandshake} a per-connection copy of the user properties
 * (checked by the contract test {@code originsAreJudgedPerConnectionEvenWhenHandshakesOverlap}),
 * and that copy reaches {@code @OnOpen}, which takes the handshake out of it.
 */
public final class HandshakeCapture extends ServerEndpointConfig.Configurator {

    static final String KEY = Handshake.class.getName();

    /**
     * What one handshake said: the headers that decide whether its host and origin are allowed,
     * its {@code X-Forwarded-For}, and the peer's address if the WAR's filter vouched for one (else null).
     */
    record Handshake(String origin, String host, String scheme, String forwardedFor, RemoteAddress.Seen vouchedPeer,
                     Credentials credentials) {
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Map<String, List<String>> headers = request.getHeaders();
        URI uri = request.getRequestURI();
        config.getUserProperties().put(KEY,
                new Handshake(first(headers, "Origin"), first(headers, "Host"), uri == null ? null : uri.getScheme(),
                        all(headers, "X-Forwarded-For"), RemoteAddress.vouchedBy(first(headers, RemoteAddress.HEADER)),
                        credentials(request, first(headers, "Authorization"))));
    }

    /**
     * The handshake's proof of who is connecting: its bearer token, and the login the container
     * made (only the handshake request can say whether that login has the moderator role).
     */
    private static Credentials credentials(HandshakeRequest request, String authorization) {
        java.security.Principal principal = request.getUserPrincipal();
        String login = principal == null ? null : principal.getName();
        return new Credentials(Credentials.bearerOf(authorization), login, login != null && request.isUserInRole(Gate.MODERATOR));
    }

    /**
     * Declines every extension the client offers, permessage-deflate above all (browsers always
     * offer it, and Tomcat would accept): compressing is per connection, so a broadcast would be
     * compressed once for each member, where the room encodes it once for all; and a chat frame
     * is a few hundred bytes, which deflate hardly shrinks. Node's {@code ws} turns it off by
     * default for the same reasons.
     */
    @Override
    public List<jakarta.websocket.Extension> getNegotiatedExtensions(List<jakarta.websocket.Extension> installed,
                                                                     List<jakarta.websocket.Extension> requested) {
        return List.of();
    }

    /**
     * Every value of a header, in order, joined with commas, or null: Tyrus splits a list header
     * such as {@code X-Forwarded-For: a, b} into values of its own, and a proxy may add a header line.
     */
    private static String all(Map<String, List<String>> headers, String name) {
        List<String> values = new java.util.ArrayList<>();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name) && header.getValue() != null) {
                values.addAll(header.getValue());
            }
        }
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** Header names are case-insensitive, and containers differ in how they key the map. */
    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)
                    && header.getValue() != null && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
