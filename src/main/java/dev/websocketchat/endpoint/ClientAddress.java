package dev.websocketchat.endpoint;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The address a connection counts against for {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS}: the TCP
 * peer, unless the peer is a reverse proxy listed in {@code CHAT_TRUSTED_PROXIES}; then the
 * address that proxy says it forwarded for, the right-most entry of {@code X-Forwarded-For} not
 * itself a trusted proxy. Anyone can send the header, so it is believed only from a trusted
 * peer, and only when it holds an IP literal.
 */
public final class ClientAddress {

    private static final Pattern IP = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private ClientAddress() {
    }

    /**
     * @param peer         the TCP peer's IP address
     * @param forwardedFor the {@code X-Forwarded-For} header, or null
     */
    public static String of(String peer, String forwardedFor, Set<String> trustedProxies) {
        if (forwardedFor == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!IP.matcher(hop).matches()) {
                return peer;
            }
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
