package dev.websocketchat.admission;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.identity.Credentials;
import dev.websocketchat.room.Rejection;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/**
 * Who is connecting, as far as the handshake tells, and whether they may: what this package
 * decides for the endpoint as a connection opens. The address it came from ({@link RemoteAddress}),
 * the client's address behind a trusted proxy ({@link ClientAddress}), and the verdict on its
 * host and origin ({@link HandshakePolicy}), from the headers {@link HandshakeCapture} kept.
 *
 * @param remote  where the connection came from, for the log
 * @param client  the address its budgets are counted under
 * @param refusal why it may not connect; null if it may
 * @param logLine what to log of a refusal; null if none
 * @param credentials what the handshake offered as proof of who is connecting
 */
public record Visitor(String remote, String client, Rejection refusal, String logLine, Credentials credentials) {

    /**
     * The visitor of a session opening now. Takes the captured handshake out of both the
     * endpoint's config and the session's properties, rather than reading it: the session's
     * properties live as long as it does (Tyrus hands the session the handshake's map, Tomcat a
     * copy of it). A session no handshake was captured for is refused as of an unknown origin.
     */
    public static Visitor arriving(Session session, EndpointConfig config, ChatConfig settings) {
        HandshakeCapture.Handshake handshake = (HandshakeCapture.Handshake) config.getUserProperties().remove(HandshakeCapture.KEY);
        session.getUserProperties().remove(HandshakeCapture.KEY);
        RemoteAddress.Seen seen = RemoteAddress.of(session, handshake == null ? null : handshake.vouchedPeer());
        String remote = seen.display();
        if (handshake == null) {
            return new Visitor(remote, seen.ip(), Rejection.ORIGIN, HandshakePolicy.logLine(Rejection.ORIGIN, remote, null, null),
                    Credentials.NONE);
        }
        String client = ClientAddress.of(seen.ip(), handshake.forwardedFor(), settings.trustedProxies());
        Rejection refusal = new HandshakePolicy(settings).judge(handshake.origin(), handshake.host(), handshake.scheme());
        return new Visitor(remote, client, refusal,
                refusal == null ? null : HandshakePolicy.logLine(refusal, remote, handshake.origin(), handshake.host()),
                handshake.credentials());
    }

    /** The close reason a refused visitor is told. */
    public String reason() {
        return HandshakePolicy.reason(refusal);
    }
}
