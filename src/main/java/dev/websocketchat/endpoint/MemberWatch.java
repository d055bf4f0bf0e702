package dev.websocketchat.endpoint;

import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.room.Member;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.transport.FrameTransport;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns what a {@link FrameTransport} finds in one member's traffic into room calls. */
final class MemberWatch implements FrameTransport.Watcher {

    private static final Logger LOG = Logger.getLogger(MemberWatch.class.getName());

    private final ChatRoom room;
    private final Member member;

    MemberWatch(ChatRoom room, Member member) {
        this.room = room;
        this.member = member;
    }

    /** Control frames count like messages: a ping flood is a flood. */
    @Override
    public void controlFrame() {
        room.receiveControl(member);
    }

    @Override
    public void brokeTheRules(LeaveCause cause, int code, String reason) {
        room.metrics().rejected(cause == LeaveCause.TOO_BIG ? Rejection.TOO_BIG : Rejection.PROTOCOL_ERROR);
        room.logs().log(LOG, Level.INFO, "protocol_error", member.clientAddress(),
                () -> member + " broke the protocol: " + reason);
        room.evict(member, cause, code, reason);
    }

    @Override
    public void cutOff(String why) {
        room.logs().log(LOG, Level.INFO, "cut_off", member.clientAddress(), () -> member + " was cut off: " + why);
        room.leave(member, LeaveCause.SLOW_CONSUMER);
    }
}
