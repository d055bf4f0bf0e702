package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogThrottle;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds connections whose peer has gone without a word: pings every member every
 * {@code CHAT_PING_SECONDS} (live peers answer with a pong, which counts as hearing from them),
 * and hands over any member not heard from for {@code CHAT_IDLE_SECONDS}. The check runs ten
 * times per idle period, so an idle member is found at most 10 % late.
 *
 * <p>Pings run on a thread of their own: the standard API's ping blocks in some containers (Tomcat
 * waits up to its blocking-send timeout for a peer that does not read), and must never hold up
 * the room's timer, which runs the idle sweep and the closes' timeouts.
 */
final class Liveness {

    private static final Logger LOG = Logger.getLogger(Liveness.class.getName());

    private final ChatConfig config;
    private final Supplier<Member[]> members;
    private final Consumer<Member> onIdle;
    private final LogThrottle logs;

    Liveness(ChatConfig config, LogThrottle logs, Supplier<Member[]> members, Consumer<Member> onIdle) {
        this.config = config;
        this.logs = logs;
        this.members = members;
        this.onIdle = onIdle;
    }

    /**
     * @param pinger runs the pings; a round that takes long delays the next round, never the timer
     * @return what stops the pings and sweeps, for a room that closes while its server runs on
     */
    Runnable start(ScheduledExecutorService timer, ScheduledExecutorService pinger) {
        Future<?> pings = pinger.scheduleWithFixedDelay(this::pingAll, config.pingSeconds(), config.pingSeconds(), TimeUnit.SECONDS);
        long sweep = Math.max(1, config.idleSeconds() / 10);
        Future<?> sweeps = timer.scheduleWithFixedDelay(this::findIdle, sweep, sweep, TimeUnit.SECONDS);
        return () -> {
            pings.cancel(false);
            sweeps.cancel(false);
        };
    }

    /** The ping goes through each member's outbox, so it never overlaps a send. */
    private void pingAll() {
        for (Member member : members.get()) {
            member.outbox.requestPing();
            member.outbox.flush();
        }
    }

    private void findIdle() {
        long now = System.nanoTime();
        long limit = TimeUnit.SECONDS.toNanos(config.idleSeconds());
        for (Member member : members.get()) {
            if (now - member.lastHeardNanos() > limit) {
                logs.log(LOG, Level.INFO, "idle", member.clientAddress(),
                        () -> member + " sent nothing for " + config.idleSeconds() + " s");
                onIdle.accept(member);
            }
        }
    }
}
