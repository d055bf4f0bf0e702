package dev.websocketchat.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the server, read once at start-up. Each key is looked up as an environment
 * variable ({@code CHAT_MAX_TEXT}), then as a system property ({@code -Dchat.max.text}), then
 * falls back to its default; the configuration table in docs/operations.md lists them all.
 *
 * @param port            standalone listening port; 0 means "pick a free port" (tests use it)
 * @param host            standalone bind address
 * @param allowedOrigins  extra browser origins allowed to connect, besides the server's own
 * @param history         chats kept for and replayed to new connections
 * @param maxText         longest chat text accepted, in characters
 * @param maxFrame        largest incoming message in bytes; larger ones close the connection with 1009
 * @param sendQueueBytes  outbound bytes one connection may have queued before it is closed as a slow consumer
 * @param pingSeconds     interval between server pings
 * @param idleSeconds     a connection that has sent nothing (not even a pong) for this long is closed
 * @param rateLimit       messages per second one connection may send, on average; 0 turns the limit off
 * @param rateBurst       messages one connection may send at once before the rate applies
 * @param maxConnections  connections admitted at once; one more is closed with 1013
 * @param redisUrl        {@code redis://host:port} of the Redis that joins instances into one chat;
 *                        empty for a single process holding everything in memory
 * @param publicOrigin    the origin users reach the server at, such as {@code https://chat.example.com}, behind a
 *                        proxy or on a public name: its host is one the server answers to, and its pages may connect;
 *                        empty for none
 * @param maxConnectionsPerAddress connections admitted at once from one client address; 0 turns the limit off
 * @param trustedProxies  addresses or networks (CIDR) of reverse proxies whose {@code X-Forwarded-For} names the client
 * @param containerWrites in a WAR, write encoded frames through the container's own transport where this build knows
 *                        one (Tomcat, WildFly, Payara); false sends every message through {@code RemoteEndpoint.Async}
 */
public record ChatConfig(int port, String host, Set<String> allowedOrigins, int history, int maxText,
                         int maxFrame, int sendQueueBytes, int pingSeconds, int idleSeconds,
                         int rateLimit, int rateBurst, int maxConnections, String redisUrl,
                         String publicOrigin, int maxConnectionsPerAddress, TrustedProxies trustedProxies,
                         boolean containerWrites) {

    public static final ChatConfig DEFAULTS = new ChatConfig(8000, "0.0.0.0", Set.of(), 50, 2000, 64 * 1024, 1024 * 1024,
            30, 90, 10, 20, 10_000, "", "", 100, TrustedProxies.NONE, true);

    public ChatConfig {
        allowedOrigins = Set.copyOf(allowedOrigins);
        trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
        publicOrigin = publicOrigin == null ? "" : publicOrigin;
        if (!publicOrigin.isEmpty() && !publicOrigin.matches("https?://[^/?#\\s]+")) {
            throw new IllegalArgumentException("CHAT_PUBLIC_ORIGIN must be an origin such as https://chat.example.com, not '"
                    + publicOrigin + "'");
        }
        requireAtLeast("CHAT_MAX_CONNECTIONS_PER_ADDRESS", maxConnectionsPerAddress, 0);
        requireAtLeast("PORT", port, 0);
        requireAtLeast("CHAT_HISTORY", history, 0);
        requireAtLeast("CHAT_MAX_TEXT", maxText, 1);
        requireAtLeast("CHAT_MAX_FRAME", maxFrame, 1024);
        requireAtLeast("CHAT_SEND_QUEUE_BYTES", sendQueueBytes, 1024);
        requireAtLeast("CHAT_PING_SECONDS", pingSeconds, 1);
        requireAtLeast("CHAT_IDLE_SECONDS", idleSeconds, pingSeconds + 1);
        requireAtLeast("CHAT_RATE_LIMIT", rateLimit, 0);
        requireAtLeast("CHAT_RATE_BURST", rateBurst, 1);
        requireAtLeast("CHAT_MAX_CONNECTIONS", maxConnections, 1);
        redisUrl = redisUrl == null ? "" : redisUrl.trim();
        if (!redisUrl.isEmpty() && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new IllegalArgumentException("CHAT_REDIS_URL must start with redis:// or rediss://, not '" + redisUrl + "'");
        }
    }

    /** The origins whose pages may connect besides the server's own: the listed ones and the public one. */
    public Set<String> trustedOrigins() {
        if (publicOrigin.isEmpty()) {
            return allowedOrigins;
        }
        Set<String> all = new java.util.HashSet<>(allowedOrigins);
        all.add(publicOrigin);
        return Set.copyOf(all);
    }

    /** Whether instances share one chat through Redis. */
    public boolean clustered() {
        return !redisUrl.isEmpty();
    }

    /** Reads the process environment and system properties. */
    public static ChatConfig load() {
        return from(System.getenv(), System.getProperties());
    }

    /** Reads the given environment and properties; a value that is not a number fails start-up. */
    public static ChatConfig from(Map<String, String> env, Properties properties) {
        Function<String, String> lookup = key -> {
            String value = env.get(key);
            if (value == null || value.isBlank()) {
                value = properties.getProperty(propertyName(key));
            }
            return value == null || value.isBlank() ? null : value.trim();
        };
        ChatConfig d = DEFAULTS;
        return new ChatConfig(
                integer(lookup, "PORT", d.port()),
                text(lookup, "CHAT_HOST", d.host()),
                origins(lookup.apply("CHAT_ALLOWED_ORIGINS")),
                integer(lookup, "CHAT_HISTORY", d.history()),
                integer(lookup, "CHAT_MAX_TEXT", d.maxText()),
                integer(lookup, "CHAT_MAX_FRAME", d.maxFrame()),
                integer(lookup, "CHAT_SEND_QUEUE_BYTES", d.sendQueueBytes()),
                integer(lookup, "CHAT_PING_SECONDS", d.pingSeconds()),
                integer(lookup, "CHAT_IDLE_SECONDS", d.idleSeconds()),
                integer(lookup, "CHAT_RATE_LIMIT", d.rateLimit()),
                integer(lookup, "CHAT_RATE_BURST", d.rateBurst()),
                integer(lookup, "CHAT_MAX_CONNECTIONS", d.maxConnections()),
                text(lookup, "CHAT_REDIS_URL", d.redisUrl()),
                origin(lookup.apply("CHAT_PUBLIC_ORIGIN")),
                integer(lookup, "CHAT_MAX_CONNECTIONS_PER_ADDRESS", d.maxConnectionsPerAddress()),
                new TrustedProxies(list(lookup.apply("CHAT_TRUSTED_PROXIES"))),
                bool(lookup, "CHAT_CONTAINER_WRITES", d.containerWrites()));
    }

    /** {@code CHAT_MAX_TEXT} -> {@code chat.max.text}; {@code PORT} -> {@code chat.port}. */
    static String propertyName(String envKey) {
        String rest = envKey.startsWith("CHAT_") ? envKey.substring("CHAT_".length()) : envKey;
        return "chat." + rest.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    public ChatConfig withPort(int newPort) {
        return new ChatConfig(newPort, host, allowedOrigins, history, maxText, maxFrame, sendQueueBytes,
                pingSeconds, idleSeconds, rateLimit, rateBurst, maxConnections, redisUrl,
                publicOrigin, maxConnectionsPerAddress, trustedProxies, containerWrites);
    }

    private static boolean bool(Function<String, String> lookup, String key, boolean fallback) {
        String value = lookup.apply(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        };
    }

    private static int integer(Function<String, String> lookup, String key, int fallback) {
        String value = lookup.apply(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'", e);
        }
    }

    private static String text(Function<String, String> lookup, String key, String fallback) {
        String value = lookup.apply(key);
        return value == null ? fallback : value;
    }

    /** Comma-separated origins such as {@code https://chat.example.com}; a trailing slash is ignored. */
    private static Set<String> origins(String value) {
        return list(value).stream().map(ChatConfig::origin).collect(Collectors.toUnmodifiableSet());
    }

    /** An origin lower-cased, without a trailing slash; "" for none. */
    private static String origin(String value) {
        if (value == null) {
            return "";
        }
        String origin = value.trim().toLowerCase(Locale.ROOT);
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }

    /** Comma-separated values, trimmed, empty ones dropped. */
    private static Set<String> list(String value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static void requireAtLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + ", not " + value);
        }
    }
}
