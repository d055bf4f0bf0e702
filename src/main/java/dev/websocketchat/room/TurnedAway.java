package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogThrottle;
import dev.websocketchat.log.LogSafe;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Why a connection is turned away at admission, never counted: with the close code and reason it gets. */
enum TurnedAway {
    SHUTTING_DOWN(LeaveCause.SHUTDOWN.code(), LeaveCause.SHUTDOWN.reason()),
    SERVER_FULL(1013, "server full"),
    ADDRESS_FULL(1013, "too many connections from your address"),
    /** A moderator banned it from the room, and the ban has not ended. */
    BANNED(4403, "banned");

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());

    private final int code;
    private final String reason;

    TurnedAway(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /** Counts and logs the refusal, then closes the member, to which nothing was ever sent, so the close waits for nothing. */
    void refuse(Member member, ChatConfig config, Meters metrics, LogThrottle logs) {
        switch (this) {
            case SERVER_FULL -> {
                metrics.rejected(Rejection.SERVER_FULL);
                logs.log(LOG, Level.INFO, "server_full", member.clientAddress(), () -> "refused " + member + " from "
                        + member.from() + ": " + config.maxConnections() + " connections are the limit");
            }
            case ADDRESS_FULL -> {
                metrics.rejected(Rejection.ADDRESS_FULL);
                logs.log(LOG, Level.INFO, "address_full", member.clientAddress(), () -> "refused " + member + " from "
                        + member.from() + ": " + config.maxConnectionsPerAddress() + " connections from "
                        + LogSafe.text(member.clientAddress(), 45) + " are the limit");
            }
            case BANNED -> {
                metrics.rejected(Rejection.BANNED);
                logs.log(LOG, Level.INFO, "banned", member.clientAddress(), () -> "refused " + member + " from "
                        + member.from() + ": banned from the room");
            }
            case SHUTTING_DOWN -> {
            }
        }
        member.peer.close(code, reason);
    }
}
