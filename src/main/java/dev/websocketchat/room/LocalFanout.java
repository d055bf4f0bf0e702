package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;

/**
 * A room on its own: every chat is numbered in this process as it is delivered, and the count is
 * the room's. Not final, so that a test can watch a room start and close.
 */
public class LocalFanout implements Fanout {

    private volatile Audience audience;

    @Override
    public void start(Audience room) {
        audience = room;
    }

    @Override
    public boolean chat(Draft draft) {
        audience.deliverNew(draft);
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
