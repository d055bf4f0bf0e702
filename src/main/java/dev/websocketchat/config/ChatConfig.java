package dev.websocketchat.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
 * @param redisUrl        the Redis that joins instances into one chat: {@code redis://host:port}, or its
 *                        Sentinels, {@code redis-sentinel://host:port[,host:port...]#primary}, or a Redis Cluster's
 *                        nodes, {@code redis-cluster://host:port[,host:port...]} (with {@code rediss} for TLS);
 *                        empty for a single process holding everything in memory
 * @param publicOrigin    the origin users reach the server at, such as {@code https://chat.example.com}, behind a
 *                        proxy or on a public name: its host is one the server answers to, and its pages may connect;
 *                        empty for none
 * @param maxConnectionsPerAddress connections admitted at once from one client address; 0 turns the limit off
 * @param trustedProxies  addresses or networks (CIDR) of reverse proxies whose {@code X-Forwarded-For} names the client
 * @param containerWrites in a WAR, write encoded frames through the container's own transport where this build knows
 *                        one (Tomcat, WildFly, Payara); false sends every message through {@code RemoteEndpoint.Async}
 * @param maxRooms        rooms open at once, the lobby included; a connection to one more is closed with 1013
 * @param roomIdleSeconds an empty room other than the lobby is dropped, history and all, once nothing has happened in it for this long
 * @param memoryPercent   the share of the heap ({@code Runtime.maxMemory()}) that what clients make the server hold may
 *                        take: half of it for all rooms' history together, half for all connections' queued frames
 * @param addressRooms    rooms one client address may have opened and still open, and may open per
 *                        {@code CHAT_ROOM_IDLE_SECONDS}; 0 turns the limit off
 * @param addressHandshakes WebSocket handshakes per second one client address may make, with a burst of five seconds'
 *                        worth; 0 turns the limit off
 * @param addressBytes    message bytes per second one client address may send over all its connections, with a burst of
 *                        two seconds' worth; 0 turns the limit off
 * @param maxSocketsPerAddress standalone: TCP connections one client address may have open at once, counted at accept,
 *                        before any HTTP; 0 turns the limit off
 * @param requestSeconds  standalone: time a client has to send a whole HTTP request (or to send the next one on a
 *                        kept-alive connection) before the connection is closed
 * @param auth            whether connections prove who they are: {@code off} (names typed freely), {@code optional}
 *                        (guests and verified users) or {@code required} (verified users only); see docs/identity.md
 * @param jwtSecret       the HS256 secret tokens are signed with, at least 32 bytes; empty for none. Never logged
 * @param jwtJwksUrl      an OpenID provider's JWKS, whose RS256 and ES256 keys sign tokens; empty for none
 * @param jwtIssuer       the {@code iss} every token must carry; empty for any
 * @param jwtAudience     the {@code aud} every token must name; empty for any
 * @param privateRooms    rooms only verified users whose token names them (and moderators) may enter; a trailing
 *                        {@code *} matches every room that starts with what precedes it
 * @param tokenUrl        where the page gets a token for the signed-in user: a path on the page's own origin of the
 *                        deploying application, fetched with its cookies; empty for none
 */
public record ChatConfig(int port, String host, Set<String> allowedOrigins, int history, int maxText,
                         int maxFrame, int sendQueueBytes, int pingSeconds, int idleSeconds,
                         int rateLimit, int rateBurst, int maxConnections, String redisUrl,
                         String publicOrigin, int maxConnectionsPerAddress, TrustedProxies trustedProxies,
                         boolean containerWrites, int maxRooms, int roomIdleSeconds, int memoryPercent,
                         int addressRooms, int addressHandshakes, int addressBytes, int maxSocketsPerAddress,
                         int requestSeconds, String auth, String jwtSecret, String jwtJwksUrl, String jwtIssuer,
                         String jwtAudience, Set<String> privateRooms, String tokenUrl) {

    /** What every setting is when nothing sets it. */
    public static final ChatConfig DEFAULTS = new Builder()
            .port(8000).host("0.0.0.0").allowedOrigins(Set.of()).publicOrigin("").trustedProxies(TrustedProxies.NONE)
            .history(50).maxText(2000).maxFrame(64 * 1024).sendQueueBytes(1024 * 1024)
            .pingSeconds(30).idleSeconds(90).requestSeconds(10)
            .rateLimit(10).rateBurst(20).maxConnections(10_000).maxRooms(1000).roomIdleSeconds(600).memoryPercent(50)
            .maxConnectionsPerAddress(100).maxSocketsPerAddress(200).addressRooms(10).addressHandshakes(20).addressBytes(128 * 1024)
            .redisUrl("").containerWrites(true)
            .auth("off").jwtSecret("").jwtJwksUrl("").jwtIssuer("").jwtAudience("").privateRooms(Set.of()).tokenUrl("")
            .build();

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
        requireAtLeast("CHAT_MAX_ROOMS", maxRooms, 1);
        requireAtLeast("CHAT_ROOM_IDLE_SECONDS", roomIdleSeconds, 1);
        requireAtLeast("CHAT_MEMORY_PERCENT", memoryPercent, 1);
        requireAtMost("CHAT_MEMORY_PERCENT", memoryPercent, 90);
        requireAtLeast("CHAT_ADDRESS_ROOMS", addressRooms, 0);
        requireAtLeast("CHAT_ADDRESS_HANDSHAKES", addressHandshakes, 0);
        requireAtLeast("CHAT_ADDRESS_BYTES", addressBytes, 0);
        if (addressBytes > 0 && addressBytes < maxFrame / 2) {
            throw new IllegalArgumentException("CHAT_ADDRESS_BYTES must be 0 or at least half of CHAT_MAX_FRAME (its burst"
                    + " of two seconds must hold one message), not " + addressBytes);
        }
        requireAtLeast("CHAT_MAX_SOCKETS_PER_ADDRESS", maxSocketsPerAddress, 0);
        requireAtLeast("CHAT_REQUEST_SECONDS", requestSeconds, 1);
        redisUrl = redisUrl == null ? "" : redisUrl.trim();
        requireRedisUrl(redisUrl);
        auth = auth == null ? "off" : auth.trim().toLowerCase(java.util.Locale.ROOT);
        jwtSecret = jwtSecret == null ? "" : jwtSecret;
        jwtJwksUrl = jwtJwksUrl == null ? "" : jwtJwksUrl.trim();
        jwtIssuer = jwtIssuer == null ? "" : jwtIssuer.trim();
        jwtAudience = jwtAudience == null ? "" : jwtAudience.trim();
        privateRooms = privateRooms == null ? Set.of() : Set.copyOf(privateRooms);
        tokenUrl = tokenUrl == null ? "" : tokenUrl.trim();
        if (!tokenUrl.isEmpty() && !tokenUrl.matches("/[^/\\s][^\\s]*")) {
            throw new IllegalArgumentException("CHAT_TOKEN_URL must be a path on the page's own origin, such as /app/chat-token");
        }
        requireAuth(auth, jwtSecret, jwtJwksUrl, privateRooms);
    }

    /** Checks the identity settings' form; never quotes the secret. */
    private static void requireAuth(String auth, String secret, String jwksUrl, Set<String> privateRooms) {
        if (!Set.of("off", "optional", "required").contains(auth)) {
            throw new IllegalArgumentException("CHAT_AUTH must be off, optional or required, not '" + auth + "'");
        }
        if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("CHAT_JWT_SECRET must be at least 32 bytes (HS256 needs a 256-bit key)");
        }
        if (!jwksUrl.isEmpty() && !jwksUrl.matches("https?://\\S+")) {
            throw new IllegalArgumentException("CHAT_JWT_JWKS_URL must be an http:// or https:// URL");
        }
        if (!privateRooms.isEmpty() && auth.equals("off")) {
            throw new IllegalArgumentException("CHAT_PRIVATE_ROOMS needs CHAT_AUTH=optional or required: with it off, nobody could enter them");
        }
    }

    /** Every setting, with the secret and the Redis URL (which may carry a password) hidden. */
    @Override
    public String toString() {
        return "ChatConfig[port=" + port + ", host=" + host + ", auth=" + auth + ", redis=" + (redisUrl.isEmpty() ? "none" : "set")
                + ", jwtSecret=" + (jwtSecret.isEmpty() ? "none" : "set") + ", jwtJwksUrl=" + jwtJwksUrl + ", privateRooms="
                + privateRooms + ", …]";
    }

    /** Checks the URL's form only, and never quotes it: it may carry a password. */
    private static void requireRedisUrl(String url) {
        if (url.isEmpty() || url.startsWith("redis://") || url.startsWith("rediss://")) {
            return;
        }
        if (url.startsWith("redis-cluster://") || url.startsWith("rediss-cluster://")) {
            if (url.endsWith("://") || url.endsWith("@")) {
                throw new IllegalArgumentException("CHAT_REDIS_URL names a Redis Cluster, and must name at least one of its nodes, "
                        + "as in redis-cluster://redis-1:6379,redis-2:6379");
            }
            return;
        }
        if (!url.startsWith("redis-sentinel://") && !url.startsWith("rediss-sentinel://")) {
            throw new IllegalArgumentException("CHAT_REDIS_URL must start with redis://, rediss://, redis-sentinel://, "
                    + "rediss-sentinel://, redis-cluster:// or rediss-cluster://");
        }
        if (url.indexOf('#') < 0 || url.endsWith("#")) {
            throw new IllegalArgumentException("CHAT_REDIS_URL names Sentinels, and must name the primary they watch after #, "
                    + "as in redis-sentinel://sentinel-1:26379,sentinel-2:26379#mymaster");
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
        return new Settings(env, properties).read();
    }

    /** A builder that starts from the defaults: for tests, which name only what they change. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ChatConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    private static void requireAtLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + ", not " + value);
        }
    }

    private static void requireAtMost(String key, int value, int maximum) {
        if (value > maximum) {
            throw new IllegalArgumentException(key + " must be at most " + maximum + ", not " + value);
        }
    }

    /**
     * Builds a configuration from another, changing what is named; {@link #build} validates it like
     * the record does. It holds one value per record component, by the component's name, so a new
     * setting needs only its component, its default in {@link #DEFAULTS} and, to be set by name
     * here, one line.
     */
    public static final class Builder {
        private static final RecordComponent[] COMPONENTS = ChatConfig.class.getRecordComponents();
        private static final Map<String, Integer> INDEX = IntStream.range(0, COMPONENTS.length).boxed()
                .collect(Collectors.toUnmodifiableMap(i -> COMPONENTS[i].getName(), i -> i));
        private final Object[] values = new Object[COMPONENTS.length];

        /** Every setting unset: 0, false or null. */
        private Builder() {
            for (int i = 0; i < COMPONENTS.length; i++) {
                Class<?> type = COMPONENTS[i].getType();
                values[i] = type == int.class ? Integer.valueOf(0) : type == boolean.class ? Boolean.FALSE : null;
            }
        }

        private Builder(ChatConfig from) {
            try {
                for (int i = 0; i < COMPONENTS.length; i++) {
                    values[i] = COMPONENTS[i].getAccessor().invoke(from);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Sets the component of that name; {@link Settings} sets them all this way. */
        Builder set(String component, Object value) {
            Integer index = INDEX.get(component);
            if (index == null) {
                throw new IllegalArgumentException("no setting " + component);
            }
            values[index] = value;
            return this;
        }

        /** The record's components, in order: what {@link Settings} reads. */
        static RecordComponent[] components() {
            return COMPONENTS.clone();
        }

        public Builder auth(String value) {
            return set("auth", value);
        }

        public Builder jwtSecret(String value) {
            return set("jwtSecret", value);
        }

        public Builder jwtJwksUrl(String value) {
            return set("jwtJwksUrl", value);
        }

        public Builder jwtIssuer(String value) {
            return set("jwtIssuer", value);
        }

        public Builder jwtAudience(String value) {
            return set("jwtAudience", value);
        }

        public Builder privateRooms(Set<String> value) {
            return set("privateRooms", value);
        }

        public Builder tokenUrl(String value) {
            return set("tokenUrl", value);
        }

        public Builder port(int value) {
            return set("port", value);
        }

        public Builder host(String value) {
            return set("host", value);
        }

        public Builder allowedOrigins(Set<String> value) {
            return set("allowedOrigins", value);
        }

        public Builder history(int value) {
            return set("history", value);
        }

        public Builder maxText(int value) {
            return set("maxText", value);
        }

        public Builder maxFrame(int value) {
            return set("maxFrame", value);
        }

        public Builder sendQueueBytes(int value) {
            return set("sendQueueBytes", value);
        }

        public Builder pingSeconds(int value) {
            return set("pingSeconds", value);
        }

        public Builder idleSeconds(int value) {
            return set("idleSeconds", value);
        }

        public Builder rateLimit(int value) {
            return set("rateLimit", value);
        }

        public Builder rateBurst(int value) {
            return set("rateBurst", value);
        }

        public Builder maxConnections(int value) {
            return set("maxConnections", value);
        }

        public Builder redisUrl(String value) {
            return set("redisUrl", value);
        }

        public Builder publicOrigin(String value) {
            return set("publicOrigin", value);
        }

        public Builder maxConnectionsPerAddress(int value) {
            return set("maxConnectionsPerAddress", value);
        }

        public Builder trustedProxies(TrustedProxies value) {
            return set("trustedProxies", value);
        }

        public Builder containerWrites(boolean value) {
            return set("containerWrites", value);
        }

        public Builder maxRooms(int value) {
            return set("maxRooms", value);
        }

        public Builder roomIdleSeconds(int value) {
            return set("roomIdleSeconds", value);
        }

        public Builder memoryPercent(int value) {
            return set("memoryPercent", value);
        }

        public Builder addressRooms(int value) {
            return set("addressRooms", value);
        }

        public Builder addressHandshakes(int value) {
            return set("addressHandshakes", value);
        }

        public Builder addressBytes(int value) {
            return set("addressBytes", value);
        }

        public Builder maxSocketsPerAddress(int value) {
            return set("maxSocketsPerAddress", value);
        }

        public Builder requestSeconds(int value) {
            return set("requestSeconds", value);
        }

        public ChatConfig build() {
            try {
                return CANONICAL.newInstance(values);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException invalid) {
                    throw invalid;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static final Constructor<ChatConfig> CANONICAL;

        static {
            try {
                CANONICAL = ChatConfig.class.getDeclaredConstructor(
                        Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
