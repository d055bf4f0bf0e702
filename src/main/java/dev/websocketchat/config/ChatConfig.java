package dev.websocketchat.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
 */
public record ChatConfig(int port, String host, Set<String> allowedOrigins, int history, int maxText,
                         int maxFrame, int sendQueueBytes, int pingSeconds, int idleSeconds,
                         int rateLimit, int rateBurst, int maxConnections, String redisUrl,
                         String publicOrigin, int maxConnectionsPerAddress, TrustedProxies trustedProxies,
                         boolean containerWrites, int maxRooms, int roomIdleSeconds, int memoryPercent,
                         int addressRooms, int addressHandshakes, int addressBytes, int maxSocketsPerAddress,
                         int requestSeconds) {

    public static final ChatConfig DEFAULTS = new ChatConfig(8000, "0.0.0.0", Set.of(), 50, 2000, 64 * 1024, 1024 * 1024,
            30, 90, 10, 20, 10_000, "", "", 100, TrustedProxies.NONE, true,
            1000, 600, 50, 10, 20, 128 * 1024, 200, 10);

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

    /** Builds a configuration from another, changing what is named; {@link #build} validates it like the record does. */
    public static final class Builder {
        private int port;
        private String host;
        private Set<String> allowedOrigins;
        private int history;
        private int maxText;
        private int maxFrame;
        private int sendQueueBytes;
        private int pingSeconds;
        private int idleSeconds;
        private int rateLimit;
        private int rateBurst;
        private int maxConnections;
        private String redisUrl;
        private String publicOrigin;
        private int maxConnectionsPerAddress;
        private TrustedProxies trustedProxies;
        private boolean containerWrites;
        private int maxRooms;
        private int roomIdleSeconds;
        private int memoryPercent;
        private int addressRooms;
        private int addressHandshakes;
        private int addressBytes;
        private int maxSocketsPerAddress;
        private int requestSeconds;

        private Builder(ChatConfig from) {
            port = from.port();
            host = from.host();
            allowedOrigins = from.allowedOrigins();
            history = from.history();
            maxText = from.maxText();
            maxFrame = from.maxFrame();
            sendQueueBytes = from.sendQueueBytes();
            pingSeconds = from.pingSeconds();
            idleSeconds = from.idleSeconds();
            rateLimit = from.rateLimit();
            rateBurst = from.rateBurst();
            maxConnections = from.maxConnections();
            redisUrl = from.redisUrl();
            publicOrigin = from.publicOrigin();
            maxConnectionsPerAddress = from.maxConnectionsPerAddress();
            trustedProxies = from.trustedProxies();
            containerWrites = from.containerWrites();
            maxRooms = from.maxRooms();
            roomIdleSeconds = from.roomIdleSeconds();
            memoryPercent = from.memoryPercent();
            addressRooms = from.addressRooms();
            addressHandshakes = from.addressHandshakes();
            addressBytes = from.addressBytes();
            maxSocketsPerAddress = from.maxSocketsPerAddress();
            requestSeconds = from.requestSeconds();
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder allowedOrigins(Set<String> value) {
            allowedOrigins = value;
            return this;
        }

        public Builder history(int value) {
            history = value;
            return this;
        }

        public Builder maxText(int value) {
            maxText = value;
            return this;
        }

        public Builder maxFrame(int value) {
            maxFrame = value;
            return this;
        }

        public Builder sendQueueBytes(int value) {
            sendQueueBytes = value;
            return this;
        }

        public Builder pingSeconds(int value) {
            pingSeconds = value;
            return this;
        }

        public Builder idleSeconds(int value) {
            idleSeconds = value;
            return this;
        }

        public Builder rateLimit(int value) {
            rateLimit = value;
            return this;
        }

        public Builder rateBurst(int value) {
            rateBurst = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder redisUrl(String value) {
            redisUrl = value;
            return this;
        }

        public Builder publicOrigin(String value) {
            publicOrigin = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        public Builder trustedProxies(TrustedProxies value) {
            trustedProxies = value;
            return this;
        }

        public Builder containerWrites(boolean value) {
            containerWrites = value;
            return this;
        }

        public Builder maxRooms(int value) {
            maxRooms = value;
            return this;
        }

        public Builder roomIdleSeconds(int value) {
            roomIdleSeconds = value;
            return this;
        }

        public Builder memoryPercent(int value) {
            memoryPercent = value;
            return this;
        }

        public Builder addressRooms(int value) {
            addressRooms = value;
            return this;
        }

        public Builder addressHandshakes(int value) {
            addressHandshakes = value;
            return this;
        }

        public Builder addressBytes(int value) {
            addressBytes = value;
            return this;
        }

        public Builder maxSocketsPerAddress(int value) {
            maxSocketsPerAddress = value;
            return this;
        }

        public Builder requestSeconds(int value) {
            requestSeconds = value;
            return this;
        }

        public ChatConfig build() {
            return new ChatConfig(port, host, allowedOrigins, history, maxText, maxFrame, sendQueueBytes, pingSeconds, idleSeconds, rateLimit, rateBurst, maxConnections, redisUrl, publicOrigin, maxConnectionsPerAddress, trustedProxies, containerWrites, maxRooms, roomIdleSeconds, memoryPercent, addressRooms, addressHandshakes, addressBytes, maxSocketsPerAddress, requestSeconds);
        }
    }
}
