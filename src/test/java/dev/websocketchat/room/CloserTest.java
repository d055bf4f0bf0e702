package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloserTest {

    private static final long GRACE_MILLIS = 300;
    private static final long HANDSHAKE_MILLIS = 300;

    private final ScheduledExecutorService timer = DaemonThreads.timer("closer-test");
    private final Closer closer = new Closer(timer, GRACE_MILLIS, HANDSHAKE_MILLIS);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void anEvictedMemberIsClosedOnlyAfterTheFrameInFlightIsWritten() throws Exception {
        FakePeer peer = new FakePeer();
        Member member = evictedWithAFrameInFlight(peer);
        closer.close(member, 1013, "slow consumer");
        Thread.sleep(GRACE_MILLIS / 3);
        assertThat(peer.closedWith).as("waiting for the frame in flight").isNotDone();
        peer.release();
        assertThat(peer.closedWith.get(1, TimeUnit.SECONDS)).isEqualTo(1013);
        assertThat(peer.sentBeforeClose).hasValue(1);
    }

    @Test
    void aMemberThatNeverTakesItsFrameIsClosedWhenTheGraceRunsOut() throws Exception {
        FakePeer peer = new FakePeer();
        Member member = evictedWithAFrameInFlight(peer);
        long started = System.nanoTime();
        closer.close(member, 1013, "slow consumer");
        assertThat(peer.closedWith.get(GRACE_MILLIS + 2000, TimeUnit.MILLISECONDS)).isEqualTo(1013);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("ms until the close").isGreaterThanOrEqualTo(GRACE_MILLIS);
    }

    @Test
    void aCloseThatDoesNotEndTheConnectionEndsInAnAbort() throws Exception {
        FakePeer peer = new FakePeer();
        Member member = member(peer);
        member.outbox.close();
        closer.close(member, 1008, "flooding");
        assertThat(peer.closedWith.get(1, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(peer.aborted).as("not before the close handshake had its time").isNotDone();
        peer.aborted.get(HANDSHAKE_MILLIS + 2000, TimeUnit.MILLISECONDS);
    }

    @Test
    void shuttingDownClosesEveryoneOnceSentWhatItWasOwedAndWaitsForTheCloses() throws Exception {
        FakePeer quick = new FakePeer();
        FakePeer stuck = new FakePeer();
        Member[] members = {member(quick), member(stuck)};
        stuck.hold();
        for (Member member : members) {
            member.outbox.enqueue(Frame.of("last words"));
            member.outbox.seal();
            member.outbox.flush();
        }
        long started = System.nanoTime();
        closer.closeAll(members, 1001, "server shutting down", GRACE_MILLIS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(quick.closedWith.getNow(null)).isEqualTo(1001);
        assertThat(quick.sentBeforeClose).hasValue(1);
        assertThat(stuck.closedWith.getNow(null)).as("closed when the grace ran out").isEqualTo(1001);
        assertThat(tookMillis).as("returned once the closes were written").isBetween(GRACE_MILLIS, GRACE_MILLIS + 1000);
    }

    /** A member whose one frame its peer has not taken yet, and whose outbox is closed, as an eviction leaves it. */
    private static Member evictedWithAFrameInFlight(FakePeer peer) {
        Member member = member(peer);
        peer.hold();
        member.outbox.enqueue(Frame.of("owed"));
        member.outbox.flush();
        member.outbox.close();
        return member;
    }

    private static Member member(FakePeer peer) {
        return new Member(null, 1, Person.guest("익명"), "test", "127.0.0.1", peer, ChatConfig.DEFAULTS, Budgets.unlimited(), (member, failure) -> { }, frames -> { },
                System.nanoTime());
    }
}
