package dev.websocketchat.http;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The headers every HTTP response carries, in the WAR and the standalone server alike. The CSP
 * forbids inline and foreign script (the page has none), and {@code frame-ancestors}, which only
 * a header can set, keeps other sites from framing the page.
 */
public final class SecurityHeaders {

    public static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                    + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer");

    private SecurityHeaders() {
    }

    /** Sets every header through the given setter, e.g. {@code response::setHeader}. */
    public static void apply(BiConsumer<String, String> setHeader) {
        ALL.forEach(setHeader);
    }
}
