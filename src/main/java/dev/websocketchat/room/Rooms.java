package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.log.LogThrottle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The rooms of one server, by name: the one registry its endpoints find their room in. A room
 * opens when its first connection arrives ({@link #connect}), up to {@code CHAT_MAX_ROOMS}, and
 * each has its own lock, members, count and history, so a busy room never delays another. What
 * they share (threads, the limits on connections, the meters) is one {@link RoomServices}.
 *
 * <p>Clean-up: every tenth of {@code CHAT_ROOM_IDLE_SECONDS}, a room other than the lobby that is
 * empty, with nobody on the way in, and quiet for that long, is dropped with its history. A
 * connection is made inside the map's atomic step for its name, and a room is dropped inside
 * that same step only if nobody is on the way in, so a connection never lands in a dropped room.
 *
 * <p>Budgets over all rooms: the server's {@link MemoryBudget} is trimmed over the registry's rooms
 * ({@link BudgetTrims}), and a room counts against the {@link AddressBudgets} of the client address
 * that opened it until it is dropped.
 */
public final class Rooms implements AutoCloseable {

    /** The room of {@code /chat}, which is also {@code /chat/lobby}; it is never dropped. */
    public static final String LOBBY = "lobby";
    /** A room's name: what people type, or a direct conversation's, which {@code identity.Gate#directRoom} derives from its two users. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}|@[0-9a-f]{31}");
    private static final Logger LOG = Logger.getLogger(Rooms.class.getName());

    private final RoomServices services;
    /** The fanout for a new room of each name. */
    private final Function<String, Fanout> fanouts;
    /** What the fanouts share, such as a cluster's connections: closed after every room. */
    private final AutoCloseable shared;
    private final ConcurrentHashMap<String, ChatRoom> rooms = new ConcurrentHashMap<>();
    /** Rooms open, or being opened: taken before a room is made, so that no two arrivals both make the last one. */
    private final AtomicInteger open = new AtomicInteger(1);
    private volatile boolean closed;

    private Rooms(ChatConfig config, Meters meters, Function<String, Fanout> fanouts, AutoCloseable shared, long heapBytes) {
        this.services = new RoomServices(config, meters, Clock.systemUTC(), heapBytes);
        this.fanouts = fanouts;
        this.shared = shared;
        services.budget.trimWith(new BudgetTrims(rooms::values));
        rooms.put(LOBBY, new ChatRoom(LOBBY, services, fanouts.apply(LOBBY), null));
        meters.watch(this::online, this::queuedBytes, this::roomsOpen);
        MemoryBudget budget = services.budget;
        meters.watchBudgets(budget::historyBytes, budget.historyLimit(), budget.queueLimit(), () -> budget.trims(true),
                () -> budget.trims(false), services.addresses::tracked);
        long sweep = Math.max(1, config.roomIdleSeconds() / 10);
        services.timer.scheduleWithFixedDelay(() -> dropQuietRooms(System.nanoTime()), sweep, sweep, TimeUnit.SECONDS);
    }

    /** Rooms on their own, in this process. */
    public static Rooms local(ChatConfig config, Meters meters) {
        return local(config, meters, Runtime.getRuntime().maxMemory());
    }

    /** Rooms on their own, whose memory budget is {@code CHAT_MEMORY_PERCENT} of a heap of {@code heapBytes}. */
    static Rooms local(ChatConfig config, Meters meters, long heapBytes) {
        return new Rooms(config, meters, name -> new LocalFanout(), () -> { }, heapBytes);
    }

    /**
     * Rooms whose fanouts join them to other instances: {@code fanouts} makes each room's as it
     * opens, and {@code shared}, what they share, is closed after the last room.
     */
    public static Rooms shared(ChatConfig config, Meters meters, Function<String, Fanout> fanouts, AutoCloseable shared) {
        return new Rooms(config, meters, fanouts, shared, Runtime.getRuntime().maxMemory());
    }

    /** Whether {@code /chat/{name}} names a room: 1 to 32 of {@code a-z 0-9 - _}. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public ChatConfig config() {
        return services.config;
    }

    public Meters metrics() {
        return services.meters;
    }

    public ChatRoom lobby() {
        return rooms.get(LOBBY);
    }

    /** A connection registered to its room ({@link #member}), or why it was not ({@link #refused}). */
    public record Arrival(Member member, Rejection refused) {
    }

    /**
     * Registers a connection to the named room, opening the room if it is not; see
     * {@link ChatRoom#connect}. The member's {@link Member#room} is where it goes on. Refused
     * ({@link Rejection#TOO_MANY_ROOMS}) if the room is not open and cannot be: {@code CHAT_MAX_ROOMS}
     * rooms are, or the client address has opened as many as {@code CHAT_ADDRESS_ROOMS} allows.
     *
     * @throws IllegalArgumentException if the name is not {@linkplain #isValidName valid}
     */
    public Arrival connect(String room, Peer peer, String remoteAddress, String clientAddress, String name) {
        return connect(room, peer, remoteAddress, clientAddress, Person.guest(name));
    }

    /** {@link #connect(String, Peer, String, String, String)} for someone who may have proven who they are. */
    public Arrival connect(String room, Peer peer, String remoteAddress, String clientAddress, Person person) {
        if (!isValidName(room)) {
            throw new IllegalArgumentException("not a room name");
        }
        Member[] made = new Member[1];
        Rejection[] refused = new Rejection[1];
        rooms.compute(closed ? LOBBY : room, (key, existing) -> { // once closed, the lobby turns everyone away
            ChatRoom target = existing;
            if (target == null) {
                refused[0] = mayOpen(clientAddress);
                target = refused[0] == null ? open(key, clientAddress) : null;
            }
            if (target != null) {
                made[0] = target.connect(peer, remoteAddress, clientAddress, person);
            }
            return target;
        });
        return new Arrival(made[0], refused[0]);
    }

    /** Whether one more room may open for the address: the server's room limit first, then the address's. Takes a place if so. */
    private Rejection mayOpen(String clientAddress) {
        if (open.incrementAndGet() > services.config.maxRooms()) {
            open.decrementAndGet();
            return Rejection.TOO_MANY_ROOMS;
        }
        if (!services.addresses.openRoom(clientAddress)) {
            open.decrementAndGet();
            return Rejection.ADDRESS_ROOMS;
        }
        return null;
    }

    /** A new room, its place taken. Inside the map's step for its name. */
    private ChatRoom open(String name, String clientAddress) {
        LOG.fine(() -> "opened room " + name);
        return new ChatRoom(name, services, fanouts.apply(name), clientAddress);
    }

    /**
     * Takes one WebSocket handshake from the client address's budget ({@code CHAT_ADDRESS_HANDSHAKES});
     * false, counted and logged (throttled), if it has none left: the handshake is to be refused
     * before any room sees it.
     */
    public boolean admitsHandshake(String clientAddress, String remoteAddress) {
        if (services.addresses.handshake(clientAddress)) {
            return true;
        }
        services.meters.rejected(Rejection.HANDSHAKE_RATE);
        services.logs.log(LOG, Level.INFO, "handshake_rate", clientAddress, () -> "refused a handshake from " + remoteAddress
                + ": " + LogSafe.text(clientAddress, 45) + " made more than " + services.config.addressHandshakes() + " a second");
        return false;
    }

    /** The throttle for log lines a client can cause, which every part of the server shares. */
    public LogThrottle logs() {
        return services.logs;
    }

    /** One room and the count its clients are told. */
    public record Occupancy(String room, int online) {
    }

    /** The rooms with anyone in them, by name, each with the count its clients are told. */
    public List<Occupancy> occupied() {
        List<Occupancy> occupied = new ArrayList<>();
        for (ChatRoom room : rooms.values()) {
            int online = room.chatOnline();
            if (online > 0) {
                occupied.add(new Occupancy(room.name(), online));
            }
        }
        occupied.sort(Comparator.comparing(Occupancy::room));
        return occupied;
    }

    /** Runs the task on the rooms' timer after the delay: for a connection's own deadlines, such as its token's expiry. Keep it short. */
    public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return services.timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Whether the room is a direct conversation between two users: never listed, and entered only as {@code /chat/@USER}. */
    public static boolean isDirect(String name) {
        return name.startsWith("@");
    }

    /** Rooms open now, the lobby included. */
    int roomsOpen() {
        return rooms.size();
    }

    /** Connections admitted here, in every room. */
    public int online() {
        return services.capacity.taken();
    }

    /** The count clients are told, summed over the rooms: the cluster's when there is one. */
    public int chatOnline() {
        int total = 0;
        for (ChatRoom room : rooms.values()) {
            total += room.chatOnline();
        }
        return total;
    }

    /** Whether the server is clustered but cannot reach the cluster; see {@link ChatRoom#degraded}. */
    public boolean degraded() {
        return lobby().degraded();
    }

    /** Admitted connections now, in every room, from the client address (an IPv6 one: from its /64). */
    public int connectionsFrom(String clientAddress) {
        return services.capacity.from(AddressBudgets.key(clientAddress));
    }

    private long queuedBytes() {
        long total = 0;
        for (ChatRoom room : rooms.values()) {
            total += room.queuedBytes();
        }
        return total;
    }

    /**
     * Drops every room but the lobby that is empty, with nobody on the way in, and quiet since
     * before {@code now} less the idle time. The room withdraws from its fanout inside the map's
     * step, so a room of the same name opened next starts its fanout after that (a cluster's
     * fanout sends its withdrawal to Redis without waiting, in that order).
     */
    void dropQuietRooms(long now) {
        for (String name : rooms.keySet()) {
            boolean[] dropped = new boolean[1];
            String[] openers = new String[1];
            if (!name.equals(LOBBY)) {
                rooms.computeIfPresent(name, (key, room) -> {
                    if (!room.retireIfQuiet(now)) {
                        return room;
                    }
                    room.withdraw();
                    dropped[0] = true;
                    openers[0] = room.openedBy();
                    return null;
                });
            }
            if (dropped[0]) {
                open.decrementAndGet();
                if (openers[0] != null) {
                    services.addresses.roomClosed(openers[0]);
                }
                LOG.fine(() -> "dropped room " + name + ": empty and quiet for " + services.config.roomIdleSeconds() + " s");
            }
        }
    }

    /**
     * Shuts every room at once: refuses new members, sends every member what was already queued
     * for it, then closes it with 1001; a member that has not taken its frames within
     * {@value ChatRoom#SHUTDOWN_FLUSH_MILLIS} ms is closed regardless. Returns when the closes are
     * written (about a second later at most). Members leaving now are not announced to each other.
     */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Closes rooms that never served (their server failed to start), without the shutdown line in
     * the log, which would say that a server was running.
     */
    public void closeUnused() {
        close(false);
    }

    private void close(boolean logShutdown) {
        if (closed) {
            return;
        }
        closed = true;
        List<ChatRoom> shut = new ArrayList<>(rooms.values());
        List<Member[]> sealed = new ArrayList<>();
        for (ChatRoom room : shut) {
            Member[] members = room.seal();
            sealed.add(members == null ? new Member[0] : members);
        }
        List<Member> everyone = new ArrayList<>();
        sealed.forEach(members -> everyone.addAll(List.of(members)));
        if (logShutdown) {
            LOG.info(() -> "shutting down: flushing and closing " + everyone.size() + " connections in " + shut.size()
                    + (shut.size() == 1 ? " room" : " rooms"));
        }
        for (int i = 0; i < shut.size(); i++) {
            shut.get(i).flushOut(sealed.get(i));
        }
        services.stopFlushing();
        services.closer.closeAll(everyone.toArray(Member[]::new), LeaveCause.SHUTDOWN.code(), LeaveCause.SHUTDOWN.reason(),
                ChatRoom.SHUTDOWN_FLUSH_MILLIS);
        for (ChatRoom room : shut) {
            room.withdraw();
        }
        services.shutdown();
        try {
            shared.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, e, () -> "could not close what the rooms share");
        }
    }
}
