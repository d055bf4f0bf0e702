package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlusherTest {

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger delivered = new AtomicInteger();

    @Test
    void aLoneFlushSendsAtOnceOnTheCallingThread() {
        FakePeer peer = new FakePeer();
        Member member = member(peer);
        Flusher flusher = new Flusher(() -> new Member[] {member});
        member.outbox.enqueue(Frame.of("hello"));
        flusher.flush();
        assertThat(peer.sent).containsExactly("hello");
    }

    @Test
    void flushElsewhereReturnsAtOnceAndItsPassRunsOnTheFlushersThread() throws Exception {
        FakePeer peer = new FakePeer();
        Member member = member(peer);
        AtomicReference<String> passedOn = new AtomicReference<>();
        CountDownLatch passed = new CountDownLatch(1);
        Flusher flusher = new Flusher(() -> {
            passedOn.set(Thread.currentThread().getName());
            passed.countDown();
            return new Member[] {member};
        });
        member.outbox.enqueue(Frame.of("relayed"));
        flusher.flushElsewhere();
        assertThat(passed.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (peer.sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(peer.sent).containsExactly("relayed");
        assertThat(passedOn.get()).startsWith("chat-flush");
        flusher.shutdown();
        flusher.flushElsewhere(); // after shutdown: nothing, and no exception
    }

    @Test
    void flushesRequestedDuringAPassAreMadeByThatPassBeforeItReturns() {
        FakePeer first = new FakePeer();
        Member a = member(first);
        AtomicReference<Flusher> flusher = new AtomicReference<>();
        AtomicInteger passes = new AtomicInteger();
        FakePeer second = new FakePeer();
        Member b = member(second);
        flusher.set(new Flusher(() -> {
            if (passes.incrementAndGet() == 1) {
                // a broadcast made while this pass runs: queued, and flush requested from inside
                a.outbox.enqueue(Frame.of("during"));
                b.outbox.enqueue(Frame.of("during"));
                flusher.get().flush();
            }
            return new Member[] {a, b};
        }));
        a.outbox.enqueue(Frame.of("before"));
        flusher.get().flush();
        assertThat(passes).as("a second pass for the request made during the first").hasValue(2);
        assertThat(first.sent).containsExactly("before", "during");
        assertThat(second.sent).containsExactly("during");
    }

    @Test
    void manyThreadsBroadcastingConcurrentlyLeaveNoFrameUnsent() throws Exception {
        int members = 50;
        int threads = 4;
        int broadcasts = 2000;
        FakePeer[] peers = new FakePeer[members];
        Member[] roster = new Member[members];
        for (int i = 0; i < members; i++) {
            peers[i] = FakePeer.writingFrames();
            roster[i] = member(peers[i]);
        }
        Flusher flusher = new Flusher(() -> roster);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.execute(() -> {
                for (int i = 0; i < broadcasts; i++) {
                    Frame frame = Frame.of(thread + ":" + i);
                    synchronized (roster) { // the room's lock: every member gets the broadcasts in one order
                        for (Member member : roster) {
                            member.outbox.enqueue(frame);
                        }
                    }
                    flusher.flush();
                }
                done.countDown();
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        for (FakePeer peer : peers) {
            assertThat(peer.sent).as("every broadcast delivered, nothing left queued").hasSize(threads * broadcasts);
            assertThat(peer.sent).isEqualTo(peers[0].sent);
        }
        assertThat(delivered).hasValue(members * threads * broadcasts);
        assertThat(failure).hasNullValue();
    }

    private Member member(FakePeer peer) {
        return new Member(1, "test", peer, Long.MAX_VALUE, new RateLimiter(0, 1, System::nanoTime),
                (member, thrown) -> failure.set(thrown), delivered::addAndGet, System.nanoTime());
    }
}
