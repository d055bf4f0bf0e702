package dev.websocketchat.admission;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.room.Rejection;
import java.util.Set;

/**
 * Whether a handshake may open a chat connection, judged the same way by the WAR's filter (403)
 * and the endpoint (1008): first its {@code Host} ({@link HostPolicy}), then its {@code Origin}
 * ({@link OriginPolicy}). Cheap enough to make per handshake.
 */
public final class HandshakePolicy {

    private final HostPolicy hosts;
    private final OriginPolicy origins;

    public HandshakePolicy(ChatConfig config) {
        Set<String> trusted = config.trustedOrigins();
        this.hosts = new HostPolicy(trusted);
        this.origins = new OriginPolicy(trusted);
    }

    /**
     * @return null to admit the handshake, else why it is refused
     * @see OriginPolicy#allows for the arguments
     */
    public Rejection judge(String origin, String host, String scheme) {
        if (!hosts.answersTo(host)) {
            return Rejection.HOST;
        }
        return origins.allows(origin, host, scheme) ? null : Rejection.ORIGIN;
    }

    /** The reason a client is told. */
    public static String reason(Rejection refusal) {
        return refusal == Rejection.HOST ? "host not allowed" : "origin not allowed";
    }

    /** One log line: what was refused, with the client's headers escaped, and what to configure if it was wrong. */
    public static String logLine(Rejection refusal, String remote, String origin, String host) {
        if (refusal == Rejection.HOST) {
            return HostPolicy.refusalLine("a handshake", remote, host);
        }
        return "refused a handshake from " + remote + " with origin " + quoted(origin)
                + "; to let that site's pages connect, add it to CHAT_ALLOWED_ORIGINS";
    }

    private static String quoted(String header) {
        return header == null ? "(none)" : "\"" + LogSafe.text(header, 100) + "\"";
    }
}
