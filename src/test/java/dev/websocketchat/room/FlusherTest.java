package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlusherTest {

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private final ExecutorService threads = DaemonThreads.pool("chat-flush", 1);

    @Test
    void aLoneFlushSendsAtOnceOnTheCallingThread() {
        FakePeer peer = new FakePeer();
        Member member = member(peer);
        Flusher flusher = new Flusher(() -> new Member[] {member}, threads);
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
        }, threads);
        member.outbox.enqueue(Frame.of("relayed"));
        flusher.flushElsewhere();
        assertThat(passed.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (peer.sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(peer.sent).containsExactly("relayed");
        assertThat(passedOn.get()).startsWith("chat-flush");
        threads.shutdown();
        flusher.flushElsewhere(); // after shutdown: nothing, and no exception
    }

    @Test
    void aFlushRequestedDuringAPassGetsAPassOfItsOwnOnTheFlushersThread() throws Exception {
        FakePeer first = new FakePeer();
        Member a = member(first);
        AtomicReference<Flusher> flusher = new AtomicReference<>();
        List<String> second = new CopyOnWriteArrayList<>();
        AtomicReference<Member> b = new AtomicReference<>();
        b.set(member(new HookedPeer(second, () -> {
            // a broadcast made while the pass is at b, after it flushed a
            a.outbox.enqueue(Frame.of("during"));
            b.get().outbox.enqueue(Frame.of("during"));
            flusher.get().flush();
        })));
        List<String> passedOn = new CopyOnWriteArrayList<>();
        flusher.set(new Flusher(() -> {
            passedOn.add(Thread.currentThread().getName());
            return new Member[] {a, b.get()};
        }, threads));
        a.outbox.enqueue(Frame.of("before"));
        b.get().outbox.enqueue(Frame.of("before"));
        flusher.get().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.sent.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(first.sent).containsExactly("before", "during");
        assertThat(second).containsExactly("before", "during");
        assertThat(passedOn).hasSize(2);
        assertThat(passedOn.get(0)).as("the caller's one pass").isEqualTo(Thread.currentThread().getName());
        assertThat(passedOn.get(1)).startsWith("chat-flush");
    }

    /** Sends at once, and runs the hook during its first send. */
    private record HookedPeer(List<String> sent, Runnable hook) implements Peer {
        @Override
        public void send(String text, java.util.function.Consumer<Throwable> done) {
            sent.add(text);
            if (sent.size() == 1) {
                hook.run();
            }
            done.accept(null);
        }

        @Override
        public void ping(java.util.function.Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
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
        Flusher flusher = new Flusher(() -> roster, this.threads);
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < members * threads * broadcasts && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (FakePeer peer : peers) {
            assertThat(peer.sent).as("every broadcast delivered, nothing left queued").hasSize(threads * broadcasts);
            assertThat(peer.sent).isEqualTo(peers[0].sent);
        }
        assertThat(delivered).hasValue(members * threads * broadcasts);
        assertThat(failure).hasNullValue();
    }

    private Member member(Peer peer) {
        return new Member(null, 1, Person.guest("익명"), "test", "127.0.0.1", peer, ChatConfig.builder().sendQueueBytes(Integer.MAX_VALUE).build(),
                Budgets.unlimited(), (member, thrown) -> failure.set(thrown), delivered::addAndGet, System.nanoTime());
    }
}
