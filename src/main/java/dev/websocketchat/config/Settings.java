package dev.websocketchat.config;

import java.lang.reflect.RecordComponent;
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

    /**
     * Every setting the record has, each under the key its component's name gives
     * ({@link #keyOf}), read as its type says; what is not set keeps its default.
     */
    ChatConfig read() {
        ChatConfig.Builder config = ChatConfig.DEFAULTS.toBuilder();
        for (RecordComponent component : ChatConfig.Builder.components()) {
            String key = keyOf(component.getName());
            String value = lookup(key);
            if (value != null) {
                config.set(component.getName(), parse(key, component, value));
            }
        }
        return config.build();
    }

    /** {@code maxConnectionsPerAddress} -> {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS}; {@code port} -> {@code PORT}, as hosts set it. */
    static String keyOf(String component) {
        return component.equals("port") ? "PORT" : "CHAT_" + component.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT);
    }

    private static Object parse(String key, RecordComponent component, String value) {
        return switch (component.getName()) {
            case "allowedOrigins" -> origins(value);
            case "publicOrigin" -> origin(value);
            case "trustedProxies" -> new TrustedProxies(list(value));
            case "privateRooms" -> list(value);
            default -> component.getType() == int.class ? integer(key, value)
                    : component.getType() == boolean.class ? bool(key, value) : value;
        };
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

    private static boolean bool(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        };
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'", e);
        }
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
