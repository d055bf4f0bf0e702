package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogThrottle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LivenessTest {

    /** Ping every second, idle after two: the shortest the configuration allows. */
    private static final ChatConfig CONFIG = ChatConfig.builder().pingSeconds(1).idleSeconds(2).build();

    private final ScheduledExecutorService timer = DaemonThreads.timer("liveness-test-timer");
    private final ScheduledExecutorService pinger = DaemonThreads.timer("liveness-test-ping");

    @AfterEach
    void stop() {
        timer.shutdownNow();
        pinger.shutdownNow();
    }

    @Test
    void everyMemberIsPingedAndOnlyOneNotHeardFromForTheIdleLimitIsHandedOver() throws Exception {
        FakePeer silentPeer = new FakePeer();
        FakePeer livelyPeer = new FakePeer();
        Member silent = member(silentPeer);
        Member lively = member(livelyPeer);
        List<Member> idle = new CopyOnWriteArrayList<>();
        new Liveness(CONFIG, new LogThrottle(System::nanoTime), () -> new Member[] {silent, lively}, idle::add).start(timer, pinger);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (idle.isEmpty() && System.nanoTime() < deadline) {
            lively.heard(System.nanoTime()); // as its pongs would
            Thread.sleep(100);
        }
        assertThat(idle).as("handed over as idle").containsExactly(silent);
        assertThat(silentPeer.pings.get()).as("pinged meanwhile").isPositive();
        assertThat(livelyPeer.pings.get()).isPositive();
    }

    @Test
    void aMemberHeardFromJustNowIsNotIdle() throws Exception {
        Member fresh = member(new FakePeer());
        List<Member> idle = new CopyOnWriteArrayList<>();
        new Liveness(CONFIG, new LogThrottle(System::nanoTime), () -> new Member[] {fresh}, idle::add).start(timer, pinger);
        Thread.sleep(1500);
        assertThat(idle).as("within the idle limit").isEmpty();
    }

    private static Member member(FakePeer peer) {
        return new Member(null, 1, Person.guest("익명"), "test", "127.0.0.1", peer, CONFIG, Budgets.unlimited(), (member, failure) -> { }, frames -> { }, System.nanoTime());
    }
}
