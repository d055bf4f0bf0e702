package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one client address may do across all its connections, which per-connection limits do not
 * see: WebSocket handshakes per second ({@code CHAT_ADDRESS_HANDSHAKES}, a burst of five seconds'
 * worth), message bytes per second ({@code CHAT_ADDRESS_BYTES}, a burst of two seconds' worth),
 * and rooms ({@code CHAT_ADDRESS_ROOMS}: at most that many of the rooms it opened still open, and at
 * most that many opened per {@code CHAT_ROOM_IDLE_SECONDS}). An IPv6 address counts by its /64,
 * which one subscriber is usually given whole.
 *
 * <p>State outlives an address's connections, so reconnecting never refills a budget; an entry is
 * {@linkplain #sweep swept} once every bucket is full again and it holds no room, when it is the
 * same as a new one. At most {@value #MAX_ADDRESSES} addresses are tracked: past that a new address
 * is refused everything until the sweep frees entries, so many addresses cannot grow the map.
 *
 * <p>Thread-safe: each address's state changes only inside the map's atomic step for its key.
 * Callers may hold a room's lock; nothing here calls out.
 */
final class AddressBudgets {

    static final int MAX_ADDRESSES = 100_000;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ChatConfig config;
    private final LongSupplier clock;
    /**
     * One entry per address (IPv6: per /64) that spent anything not yet refilled or holds a room:
     * three buckets and a count each, {@value #MAX_ADDRESSES} entries for the whole server at most.
     */
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();

    AddressBudgets(ChatConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.clock = nanoClock;
    }

    /** Takes one handshake from the address's budget; false if it has none left. */
    boolean handshake(String address) {
        return config.addressHandshakes() == 0 || take(address, Kind.HANDSHAKES, 1);
    }

    /** Takes a message's bytes from the address's budget; false if they do not fit. */
    boolean bytes(String address, long bytes) {
        return config.addressBytes() == 0 || take(address, Kind.BYTES, bytes);
    }

    /** Counts a room the address opens; false if it holds or has opened as many as it may. */
    boolean openRoom(String address) {
        if (config.addressRooms() == 0) {
            return true;
        }
        boolean[] opened = new boolean[1];
        update(address, state -> {
            if (state.roomsHeld < config.addressRooms() && state.bucket(Kind.ROOMS).take(1)) {
                state.roomsHeld++;
                opened[0] = true;
            }
        });
        return opened[0];
    }

    /** A room the address opened has been dropped. */
    void roomClosed(String address) {
        if (config.addressRooms() > 0) {
            addresses.computeIfPresent(key(address), (key, state) -> {
                state.roomsHeld = Math.max(0, state.roomsHeld - 1);
                return state;
            });
        }
    }

    /** Drops the addresses that are as good as new: every bucket full, no room held. */
    void sweep() {
        long now = clock.getAsLong();
        for (String key : addresses.keySet()) {
            addresses.computeIfPresent(key, (k, state) -> state.asNew(now) ? null : state);
        }
    }

    /** Addresses tracked now. */
    int tracked() {
        return addresses.size();
    }

    /** The key an address counts under: itself, or for IPv6 its first four groups (its /64); a key is its own. */
    static String key(String address) {
        if (address.indexOf(':') < 0 || address.endsWith("/64")) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress(); // a literal: parsed, never looked up
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString((bytes[i] & 0xFF) << 8 | bytes[i + 1] & 0xFF)).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException notALiteral) {
            return address;
        }
    }

    private boolean take(String address, Kind kind, long amount) {
        boolean[] taken = new boolean[1];
        update(address, state -> taken[0] = state.bucket(kind).take(amount));
        return taken[0];
    }

    private void update(String address, java.util.function.Consumer<Address> change) {
        String key = key(address);
        if (addresses.size() >= MAX_ADDRESSES && !addresses.containsKey(key)) {
            return; // refused: see the class comment
        }
        addresses.compute(key, (k, state) -> {
            Address current = state != null ? state : new Address();
            change.accept(current);
            return current;
        });
    }

    private enum Kind { HANDSHAKES, BYTES, ROOMS }

    /** One address's buckets, made as they are first needed. Changed only inside the map's step for its key. */
    private final class Address {
        private final Bucket[] buckets = new Bucket[Kind.values().length];
        private int roomsHeld;

        Bucket bucket(Kind kind) {
            Bucket bucket = buckets[kind.ordinal()];
            if (bucket == null) {
                bucket = switch (kind) {
                    case HANDSHAKES -> new Bucket(5.0 * config.addressHandshakes(), config.addressHandshakes() / (double) SECOND);
                    case BYTES -> new Bucket(2.0 * config.addressBytes(), config.addressBytes() / (double) SECOND);
                    case ROOMS -> new Bucket(config.addressRooms(),
                            config.addressRooms() / (double) TimeUnit.SECONDS.toNanos(config.roomIdleSeconds()));
                };
                buckets[kind.ordinal()] = bucket;
            }
            return bucket;
        }

        boolean asNew(long now) {
            if (roomsHeld > 0) {
                return false;
            }
            for (Bucket bucket : buckets) {
                if (bucket != null && !bucket.full(now)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A token bucket: {@code capacity} at most, refilled at {@code perNano}. */
    private final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long refilledAt = clock.getAsLong();

        Bucket(double capacity, double perNano) {
            this.capacity = capacity;
            this.perNano = perNano;
            this.tokens = capacity;
        }

        boolean take(long amount) {
            refill(clock.getAsLong());
            if (tokens < amount) {
                return false;
            }
            tokens -= amount;
            return true;
        }

        boolean full(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
    }
}
