package dev.websocketchat.admission;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser pages may open a chat connection: the server's own origin (same scheme, host and
 * port as the handshake's {@code Host}) and any listed in {@code CHAT_ALLOWED_ORIGINS}. A
 * handshake without {@code Origin} comes from a program, not a browser page, and is allowed.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    /** @param allowed lower-case origins without a trailing slash, e.g. {@code https://chat.example.com} */
    public OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
    }

    /**
     * @param origin        the {@code Origin} header, or null
     * @param host          the {@code Host} header, or null
     * @param requestScheme {@code ws}/{@code http} or {@code wss}/{@code https} of the handshake,
     *                      or null where the container does not say; then the origin's own scheme is assumed
     */
    public boolean allows(String origin, String host, String requestScheme) {
        if (origin == null) {
            return true;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        URI page;
        URI server;
        try {
            page = new URI(normalized);
            server = new URI("//" + host.trim().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
        String pageScheme = page.getScheme();
        if (pageScheme == null || page.getHost() == null || server.getHost() == null) {
            return false;
        }
        String serverScheme = requestScheme == null ? pageScheme : httpScheme(requestScheme);
        return pageScheme.equals(serverScheme)
                && page.getHost().equals(server.getHost())
                && port(page.getPort(), pageScheme) == port(server.getPort(), serverScheme);
    }

    private static String httpScheme(String scheme) {
        String lower = scheme.toLowerCase(Locale.ROOT);
        return lower.equals("wss") || lower.equals("https") ? "https" : "http";
    }

    private static int port(int explicit, String scheme) {
        if (explicit != -1) {
            return explicit;
        }
        return scheme.equals("https") ? 443 : 80;
    }
}
