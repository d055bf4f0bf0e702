package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A room on its own: numbers every chat in this process and hands it to the room through
 * {@link Audience#deliver}, as {@code RedisFanout} hands over the chats Redis numbered; the count
 * is the room's. A chat is numbered and delivered under one lock, {@code numbering}, taken before
 * the room's, so ids reach the room in increasing order; nothing takes them the other way round
 * (the room calls {@link #presence} with its lock held, and that takes nothing).
 */
public final class LocalFanout implements Fanout {

    private final ReentrantLock numbering = new ReentrantLock();
    private volatile Audience audience;
    /** The last id given; guarded by {@code numbering}. */
    private long lastId;

    @Override
    public void start(Audience room) {
        audience = room;
    }

    /**
     * Numbers the chat after the last id given and has the room queue it, then starts its sends
     * on the sender's thread once the numbering lock is let go, so that other senders only queue
     * meanwhile and their chats leave in the same writes. A chat whose {@code cid} the room's
     * history still holds is not numbered again: its sender is told the id it has ({@link Audience#repeated}).
     */
    @Override
    public boolean chat(Draft draft) {
        long earlier;
        Queued queued = null;
        numbering.lock();
        try {
            earlier = audience.idOf(draft.cid());
            if (earlier == 0) {
                queued = audience.deliver(new Chat(++lastId, draft.name(), draft.text(), draft.time(), draft.cid(), draft.user()));
            }
        } finally {
            numbering.unlock();
        }
        if (earlier > 0) {
            audience.repeated(draft, earlier);
        } else {
            queued.here();
        }
        return true;
    }

    @Override
    public boolean presence(ServerEvent change, long member) {
        return true;
    }

    @Override
    public void typing(ServerEvent.Typing event, long member) {
        audience.passing(event, member);
    }

    @Override
    public boolean moderate(ServerEvent.Moderation event) {
        audience.moderated(event);
        return true;
    }

    @Override
    public int online(int here) {
        return here;
    }

    @Override
    public boolean degraded() {
        return false;
    }

    @Override
    public void close() {
    }
}
