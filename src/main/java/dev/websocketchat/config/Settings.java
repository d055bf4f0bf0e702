package dev.websocketchat.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a {@link ChatConfig} from an environment and system properties: each key as an
 * environment variable ({@code CHAT_MAX_TEXT}), then as a property ({@code chat.max.text}), then
 * its default. A key that is set but blank counts as not set.
 */
final class Settings {

    private final Map<String, String> env;
    private final Properties properties;

    Settings(Map<String, String> env, Properties properties) {
        this.env = env;
        this.properties = properties;
    }

    ChatConfig read() {
        ChatConfig d = ChatConfig.DEFAULTS;
        return ChatConfig.builder()
                .port(integer("PORT", d.port()))
                .host(text("CHAT_HOST", d.host()))
                .allowedOrigins(origins(lookup("CHAT_ALLOWED_ORIGINS")))
                .history(integer("CHAT_HISTORY", d.history()))
                .maxText(integer("CHAT_MAX_TEXT", d.maxText()))
                .maxFrame(integer("CHAT_MAX_FRAME", d.maxFrame()))
                .sendQueueBytes(integer("CHAT_SEND_QUEUE_BYTES", d.sendQueueBytes()))
                .pingSeconds(integer("CHAT_PING_SECONDS", d.pingSeconds()))
                .idleSeconds(integer("CHAT_IDLE_SECONDS", d.idleSeconds()))
                .rateLimit(integer("CHAT_RATE_LIMIT", d.rateLimit()))
                .rateBurst(integer("CHAT_RATE_BURST", d.rateBurst()))
                .maxConnections(integer("CHAT_MAX_CONNECTIONS", d.maxConnections()))
                .redisUrl(text("CHAT_REDIS_URL", d.redisUrl()))
                .publicOrigin(origin(lookup("CHAT_PUBLIC_ORIGIN")))
                .maxConnectionsPerAddress(integer("CHAT_MAX_CONNECTIONS_PER_ADDRESS", d.maxConnectionsPerAddress()))
                .trustedProxies(new TrustedProxies(list(lookup("CHAT_TRUSTED_PROXIES"))))
                .containerWrites(bool("CHAT_CONTAINER_WRITES", d.containerWrites()))
                .maxRooms(integer("CHAT_MAX_ROOMS", d.maxRooms()))
                .roomIdleSeconds(integer("CHAT_ROOM_IDLE_SECONDS", d.roomIdleSeconds()))
                .memoryPercent(integer("CHAT_MEMORY_PERCENT", d.memoryPercent()))
                .addressRooms(integer("CHAT_ADDRESS_ROOMS", d.addressRooms()))
                .addressHandshakes(integer("CHAT_ADDRESS_HANDSHAKES", d.addressHandshakes()))
                .addressBytes(integer("CHAT_ADDRESS_BYTES", d.addressBytes()))
                .maxSocketsPerAddress(integer("CHAT_MAX_SOCKETS_PER_ADDRESS", d.maxSocketsPerAddress()))
                .requestSeconds(integer("CHAT_REQUEST_SECONDS", d.requestSeconds()))
                .build();
    }

    /** {@code CHAT_MAX_TEXT} -> {@code chat.max.text}; {@code PORT} -> {@code chat.port}. */
    static String propertyName(String envKey) {
        String rest = envKey.startsWith("CHAT_") ? envKey.substring("CHAT_".length()) : envKey;
        return "chat." + rest.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private String lookup(String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            value = properties.getProperty(propertyName(key));
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private boolean bool(String key, boolean fallback) {
        String value = lookup(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        };
    }

    private int integer(String key, int fallback) {
        String value = lookup(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'", e);
        }
    }

    private String text(String key, String fallback) {
        String value = lookup(key);
        return value == null ? fallback : value;
    }

    /** Comma-separated origins such as {@code https://chat.example.com}; a trailing slash is ignored. */
    private static Set<String> origins(String value) {
        return list(value).stream().map(Settings::origin).collect(Collectors.toUnmodifiableSet());
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
}
