package dev.websocketchat.admission;

import dev.websocketchat.config.TrustedProxies;

/**
 * The address a connection counts against for {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS}: the TCP
 * peer, unless the peer is a reverse proxy listed in {@code CHAT_TRUSTED_PROXIES}; then the
 * address that proxy says it forwarded for, the right-most entry of {@code X-Forwarded-For} not
 * itself a trusted proxy. Anyone can send the header, so it is believed only from a trusted
 * peer, and only when it holds an IP literal.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * @param peer         the TCP peer's IP address
     * @param forwardedFor the {@code X-Forwarded-For} header, or null
     */
    public static String of(String peer, String forwardedFor, TrustedProxies trusted) {
        if (forwardedFor == null || !trusted.contains(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!TrustedProxies.isIpLiteral(hop)) {
                return peer;
            }
            if (!trusted.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
