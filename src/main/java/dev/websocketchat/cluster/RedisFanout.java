package dev.websocketchat.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Moderation;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.Typing;
import dev.websocketchat.protocol.ServerEvent.User;
import dev.websocketchat.room.Audience;
import dev.websocketchat.room.Draft;
import dev.websocketchat.room.Fanout;
import dev.websocketchat.room.Rooms;
import io.lettuce.core.ScriptOutputType;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Joins one room to the same room on the other instances, through the instance's
 * {@link RedisLink}. Chats are numbered, kept and published by {@code publish-chat.lua} and come
 * back on the room's channel in id order. Who is in the room is kept in Redis per instance by
 * name: each join, leave and rename of a connection here is applied and published by
 * {@code presence.lua} with the room's next presence number, and every instance delivers them in
 * that order, so every member's list, kept from its history frame plus these events, is the
 * cluster's.
 *
 * <p>A newcomer's history waits for its join: the room's {@link Audience} has it
 * {@code JOINING} until its join comes back on the channel, and sends it its history then
 * ({@link Audience#admitted}), so it lists exactly the joins and leaves before it. The room's list
 * here starts from a snapshot that {@code sync.lua} publishes for this instance, as the room
 * opens and on every recovery, at its place in the room's stream ({@link ClusterEvent.Users});
 * changes up to its number are in it and skipped, a gap after it (a lost message) is an outage.
 *
 * <p>Chats are numbered by Redis alone, and reach this instance's members from the channel like
 * everyone else's: its {@link ChatPublisher} holds them while the link is down, and publishes them
 * once it is back. Changes of who is here are announced here while the link is down
 * ({@link #presence}), and newcomers whose join had gone out are admitted here. On recovery,
 * {@link #recover} fetches the shared history, delivers the chats this instance missed, replaces
 * what Redis holds of this instance's connections (the snapshot after that brings every member's
 * list to the cluster's), and publishes the chats that waited.
 *
 * <p>Never twice: Redis ignores a publish sent again under the same nonce, and a change sent twice
 * by its op number. Chats and changes from the channel and a resync are ordered by {@link #order},
 * which is never held while calling into Redis. Lock order: this fanout's monitor ({@link #recover}),
 * then the publisher's, then {@link #order}, then the room's.
 */
final class RedisFanout implements Fanout {

    private final RedisLink link;
    private final String room;
    private final String keys;
    final String channel;
    private final ChatPublisher publisher;
    /** Joins of members here that went out to the cluster and have not come back: admitted here if it goes down first. */
    private final Map<Long, Pending> joining = new ConcurrentHashMap<>();
    private volatile Audience audience;
    /** Whether a {@link #down} is queued on the timer and has not started yet. */
    private final AtomicBoolean downQueued = new AtomicBoolean();
    /** Whether this room is in the cluster now: recovered, and not down since. */
    private volatile boolean up;
    private volatile int online;
    private final Object order = new Object();
    /** The highest id delivered from the cluster; -1 until the first {@link #recover}. Guarded by {@link #order}. */
    private long lastRelayed = -1;
    /** The presence number the list here is current at; -1 while waiting for a snapshot. Guarded by {@link #order}. */
    private long presence = -1;

    private record Pending(Join join, long sinceNanos) {
    }

    RedisFanout(RedisLink link, String room) {
        this.link = link;
        this.room = room;
        this.keys = Scripts.room(room);
        this.channel = keys + "events";
        this.publisher = new ChatPublisher(link, keys, channel);
    }

    @Override
    public void start(Audience members) {
        audience = members;
        publisher.start(members);
        link.join(this);
    }

    @Override
    public int online(int here) {
        return up ? online : here;
    }

    @Override
    public boolean degraded() {
        return !up;
    }

    /** Publishes the chat for every instance to number and deliver, this one included; while down, holds it. */
    @Override
    public boolean chat(Draft draft) {
        return publisher.chat(draft);
    }

    /**
     * While up, sends the change to the cluster, which announces it to every instance (false);
     * while down, has it announced here (true). A member whose join is still out when it leaves
     * or is renamed has nothing announced here: its join comes back first.
     */
    @Override
    public boolean presence(ServerEvent change, long member) {
        if (!up) {
            return whileDown(change, member);
        }
        String[] args;
        if (change instanceof Join join) {
            joining.put(member, new Pending(join, System.nanoTime()));
            args = new String[] {"join", ClusterEvent.keyOf(join.name(), join.user()), Long.toString(member)};
        } else if (change instanceof Leave leave) {
            joining.remove(member);
            args = new String[] {"leave", ClusterEvent.keyOf(leave.name(), leave.user()), ""};
        } else {
            Rename rename = (Rename) change;
            args = new String[] {"rename", rename.from(), rename.to()};
        }
        try {
            link.async().eval(link.scripts.presence, ScriptOutputType.INTEGER, new String[] {keys},
                            link.instance, Long.toString(link.nextOp()), args[0], args[1], args[2])
                    .whenComplete((total, failure) -> {
                        if (failure != null) {
                            changeFailed(failure, change, member);
                        }
                    });
        } catch (RuntimeException failure) {
            changeFailed(failure, change, member);
        }
        return false;
    }

    /** Whether a change made while down is announced here: not for a member whose join is still out. */
    private boolean whileDown(ServerEvent change, long member) {
        if (change instanceof Leave && joining.remove(member) != null) {
            return false;
        }
        return !(change instanceof Rename rename
                && joining.computeIfPresent(member, (id, out) -> new Pending(Join.of(out.join().online(), rename.to()), out.sinceNanos())) != null);
    }

    /**
     * The link goes down (which has every joining member admitted here), and a leave or rename
     * is announced here instead; on the timer thread, as this may run under the room's lock.
     */
    private void changeFailed(Throwable failure, ServerEvent change, long member) {
        link.lost(failure);
        if (!(change instanceof Join)) {
            link.later(() -> audience.deliver(change).elsewhere());
        }
    }

    /**
     * While up, publishes the notice for every instance (this one hears it back, and leaves the
     * member out); while down, shows it here alone. Never waits; a failure takes the link down.
     */
    @Override
    public void typing(Typing event, long member) {
        if (!up) {
            audience.passing(event, member);
            return;
        }
        try {
            link.async().eval(link.scripts.typing, ScriptOutputType.INTEGER, new String[] {keys},
                            new ClusterEvent.Typed(event.name(), link.instance, member).encode())
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            link.lost(failure);
                        }
                    });
        } catch (RuntimeException failure) {
            link.lost(failure);
        }
    }

    /**
     * While up, has {@code moderate.lua} keep a ban or mute and publish the action, which every
     * instance (this one too) applies as it hears it; while down, refused, so that no instance
     * applies it alone. Never waits; a failure takes the link down.
     */
    @Override
    public boolean moderate(Moderation event) {
        if (!up) {
            return false;
        }
        long ends = event.until() == null ? 0 : event.until().toEpochMilli();
        try {
            link.async().eval(link.scripts.moderate, ScriptOutputType.INTEGER, new String[] {keys}, event.action(),
                            event.user() != null ? "user:" + event.user() : "name:" + event.name(), Long.toString(ends),
                            ClusterEvent.Moderated.of(event).encode())
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            link.lost(failure);
                        }
                    });
        } catch (RuntimeException failure) {
            link.lost(failure);
        }
        return true;
    }

    /**
     * Replaces what Redis holds of this instance's connections here, and asks for the snapshot
     * that follows the differences; the room is up from now on. With the room's lock held, so
     * every change after this one is sent after it.
     */
    @Override
    public void recount(List<User> here) {
        Map<String, Integer> names = new LinkedHashMap<>();
        here.forEach(user -> names.put(ClusterEvent.keyOf(user.name(), user.user()), user.connections()));
        sync(names, false).whenComplete((total, failure) -> {
            if (failure != null) {
                link.lost(failure);
            }
        });
        up = true;
    }

    private io.lettuce.core.RedisFuture<Long> sync(Map<String, Integer> names, boolean leaving) {
        String json;
        try {
            json = ClusterEvent.MAPPER.writeValueAsString(names);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return link.async().eval(link.scripts.sync, ScriptOutputType.INTEGER, new String[] {keys},
                link.instance, Long.toString(link.nextOp()), json, leaving ? "0" : "1", leaving ? "1" : "0",
                Long.toString(RedisLink.ALIVE_MILLIS), ttl());
    }

    /** How long Redis keeps the room's state once no instance has it open, in seconds; 0 (for ever) for the lobby. */
    private String ttl() {
        return room.equals(Rooms.LOBBY) ? "0" : Long.toString(link.abandonedRoomSeconds);
    }

    /**
     * This instance's heartbeat in the room, while it is up ({@code beat.lua}). If the others took
     * this instance for dead meanwhile (a pause longer than {@link RedisLink#ALIVE_MILLIS}), they
     * took its connections out: the link goes down, and its recovery puts them back.
     */
    void beat() {
        if (!up) {
            return;
        }
        link.async().eval(link.scripts.beat, ScriptOutputType.INTEGER, new String[] {keys},
                        link.instance, Long.toString(RedisLink.ALIVE_MILLIS), ttl())
                .whenComplete((forgotten, failure) -> {
                    if (failure != null) {
                        link.lost(failure);
                    } else if ((Long) forgotten < 0 && up) {
                        link.lost(new IllegalStateException("the cluster had taken this instance for dead in room " + room));
                    }
                });
    }

    /**
     * The link went down: hold chats, and announce changes to this room's members alone, until
     * {@link #recover}. Takes no lock; the rest runs on the timer, queued at most once however
     * often the link reports failures.
     */
    void down() {
        up = false;
        publisher.pause();
        if (!downQueued.compareAndSet(false, true)) {
            return;
        }
        link.later(() -> {
            downQueued.set(false);
            synchronized (order) {
                presence = -1;
            }
            for (Long member : List.copyOf(joining.keySet())) {
                Pending out = joining.remove(member);
                if (out != null) {
                    audience.admitted(member, out.join());
                }
            }
        });
    }

    /**
     * A join that has not come back within {@code timeoutNanos} means the cluster lost it (its
     * reply came, its message did not): the link goes down, which admits the member here, and
     * the recovery brings the lists back. Every heartbeat; no newcomer waits longer for its history.
     */
    void checkJoins(long nowNanos, long timeoutNanos) {
        for (Pending out : joining.values()) {
            if (nowNanos - out.sinceNanos() > timeoutNanos) {
                link.lost(new IllegalStateException("a join in room " + room + " did not come back"));
                return;
            }
        }
    }

    /**
     * Hears the room's channel (confirmed before anything else is asked of Redis), takes the
     * room's epoch and shared history, delivers the chats missed while away (none the first time),
     * {@linkplain #recount recounts}, then publishes the chats that waited. Throws if Redis cannot be reached.
     */
    synchronized void recover() {
        link.subscribe(channel);
        Resume position = audience.position();
        List<Object> result = link.sync().eval(link.scripts.resync, ScriptOutputType.MULTI,
                new String[] {keys + "epoch", keys + "sequence", keys + "history"}, position.epoch(), Long.toString(position.since()));
        List<Chat> shared = new ArrayList<>();
        for (Object entry : result.subList(1, result.size())) {
            if (ClusterEvent.decode((String) entry) instanceof ClusterEvent.Said said) {
                shared.add(said.chat());
            }
        }
        synchronized (order) {
            audience.adopt((String) result.get(0), shared, lastRelayed < 0 ? Long.MAX_VALUE : lastRelayed);
            lastRelayed = Math.max(lastRelayed, shared.isEmpty() ? 0 : shared.get(shared.size() - 1).id());
        }
        audience.recount();
        publisher.resend();
    }

    /** What the link heard for this room, on its I/O thread, in the order Redis published it. */
    void receive(ClusterEvent event) {
        if (event instanceof ClusterEvent.Said said) {
            publisher.heard(said.nonce());
            relay(said.chat());
        } else if (event instanceof ClusterEvent.Moderated moderated) {
            audience.moderated(moderated.event());
        } else if (event instanceof ClusterEvent.Typed typed) {
            audience.passing(new Typing(typed.name()), link.instance.equals(typed.instance()) ? typed.member() : 0);
        } else if (event instanceof ClusterEvent.Users users) {
            if (!link.instance.equals(users.to())) {
                return; // another instance's snapshot
            }
            synchronized (order) {
                presence = users.seq();
                online = users.users().values().stream().mapToInt(Integer::intValue).sum();
                audience.everyone(users.users().entrySet().stream()
                        .map(entry -> ClusterEvent.personOf(entry.getKey(), entry.getValue())).toList());
                audience.sanctioned(users.inForce());
            }
        } else {
            change((ClusterEvent.Change) event);
        }
    }

    /** Delivers a chat the cluster numbered, unless it was already (a resync and the live feed may both bring it). */
    private void relay(Chat chat) {
        synchronized (order) {
            if (chat.id() > lastRelayed) {
                lastRelayed = chat.id();
                audience.deliver(chat).elsewhere();
            }
        }
    }

    /** Applies a change after the snapshot, each once and in order; a gap means messages were lost, which is an outage. */
    private void change(ClusterEvent.Change change) {
        synchronized (order) {
            if (presence < 0 || change.seq() <= presence) {
                return; // the snapshot on its way, or the one taken, has it
            }
            if (change.seq() != presence + 1) {
                presence = -1;
                link.lost(new IllegalStateException("missed a change of who is in room " + room));
                return;
            }
            presence = change.seq();
            if (change instanceof ClusterEvent.Joined joined) {
                online = joined.online();
                User who = ClusterEvent.personOf(joined.name(), 1);
                Join join = Join.of(joined.online(), who.name(), who.user());
                if (link.instance.equals(joined.instance())) {
                    joining.remove(joined.member());
                    audience.admitted(joined.member(), join);
                } else {
                    audience.deliver(join).elsewhere();
                }
            } else if (change instanceof ClusterEvent.Left left) {
                online = left.online();
                User who = ClusterEvent.personOf(left.name(), 1);
                audience.deliver(Leave.of(left.online(), who.name(), who.user())).elsewhere();
            } else if (change instanceof ClusterEvent.Renamed renamed) {
                audience.deliver(new Rename(renamed.from(), renamed.to())).elsewhere();
            }
        }
    }

    /**
     * Takes this instance's connections out of the room (the others announce their leaves) and
     * stops hearing it, without waiting: the room may be closing inside the registry's step.
     */
    @Override
    public void close() {
        boolean wasUp = up;
        up = false;
        publisher.clear();
        link.leave(this);
        if (wasUp) {
            try {
                link.withdrawing(sync(Map.of(), true));
            } catch (RuntimeException e) {
                // the others take this instance out of the room once its heartbeats there stop (beat.lua)
            }
        }
    }
}
