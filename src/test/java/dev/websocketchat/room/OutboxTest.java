package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final FakePeer peer = new FakePeer();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger delivered = new AtomicInteger();

    @Test
    void sendsInOrderWithoutRecursingWhenSendsCompleteOnTheCallingThread() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        for (int i = 0; i < 200_000; i++) {
            outbox.enqueue(Frame.of(String.valueOf(i)));
        }
        outbox.flush();
        assertThat(peer.sent).hasSize(200_000).startsWith("0", "1", "2").endsWith("199999");
        assertThat(delivered).as("deliveries counted").hasValue(200_000);
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(failure).hasNullValue();
    }

    @Test
    void neverHasTwoSendsInFlightWhileManyThreadsEnqueueAndFlush() throws Exception {
        ExecutorService completions = Executors.newSingleThreadExecutor();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Peer asyncPeer = new Peer() {
            @Override
            public void send(String text, Consumer<Throwable> done) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                sent.add(text);
                completions.execute(() -> {
                    inFlight.decrementAndGet();
                    done.accept(null);
                });
            }

            @Override
            public void ping(Consumer<Throwable> done) {
                send("ping", done);
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        };
        Outbox outbox = new Outbox(asyncPeer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.execute(() -> {
                for (int i = 0; i < 5000; i++) {
                    outbox.enqueue(Frame.of(writer + ":" + i));
                    if (i % 100 == 0) {
                        outbox.requestPing();
                    }
                    outbox.flush();
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outbox.queuedBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        writers.shutdown();
        completions.shutdown();
        assertThat(mostInFlight).as("sends in flight at once").hasValue(1);
        List<String> frames = sent.stream().filter(text -> !text.equals("ping")).toList();
        assertThat(frames).hasSize(20_000);
        for (int w = 0; w < 4; w++) {
            String prefix = w + ":";
            assertThat(frames.stream().filter(s -> s.startsWith(prefix)).map(s -> Integer.parseInt(s.substring(2))))
                    .isSorted();
        }
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(failure).hasNullValue();
    }

    @Test
    void onlyOneSendIsHandedToThePeerAtATime() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        peer.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.enqueue(Frame.of("b"));
        outbox.flush();
        outbox.flush();
        assertThat(peer.sent).containsExactly("a");
        peer.release();
        assertThat(peer.sent).containsExactly("a", "b");
        assertThat(peer.mostInFlight()).isEqualTo(1);
    }

    @Test
    void theFrameThatWouldExceedTheLimitClosesTheOutbox() {
        Outbox outbox = new Outbox(peer, 10, Budgets.unlimited(), failure::set, delivered::addAndGet);
        peer.hold();
        assertThat(outbox.enqueue(Frame.of("12345"))).isTrue();
        outbox.flush(); // in flight: still counts
        assertThat(outbox.enqueue(Frame.of("12345"))).isTrue();
        assertThat(outbox.queuedBytes()).isEqualTo(10);
        assertThat(outbox.enqueue(Frame.of("1"))).isFalse();
        assertThat(outbox.enqueue(Frame.of("1"))).as("already closed: dropped quietly").isTrue();
        peer.release();
        outbox.flush();
        assertThat(peer.sent).containsExactly("12345");
    }

    @Test
    void theServersBudgetHearsOfEveryByteQueuedAndGetsEachBackOnceWrittenOrDropped() {
        MemoryBudget budget = Budgets.unlimited();
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, budget, failure::set, delivered::addAndGet);
        peer.hold();
        outbox.enqueue(Frame.of("12345"));
        outbox.flush(); // in flight
        outbox.enqueue(Frame.of("678"));
        outbox.enqueue(Frame.of("9"));
        assertThat(budget.queuedBytes()).isEqualTo(9);
        outbox.close(); // drops the two queued; the one in flight still counts
        assertThat(budget.queuedBytes()).isEqualTo(5);
        outbox.close();
        assertThat(budget.queuedBytes()).as("a second close gives back nothing more").isEqualTo(5);
        peer.release();
        assertThat(budget.queuedBytes()).isZero();
    }

    @Test
    void sizesAreCountedInUtf8Bytes() {
        assertThat(Frame.of("aé가😀").bytes()).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void aFailedSendClosesTheOutboxAndReportsOnce() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        peer.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.enqueue(Frame.of("b"));
        outbox.flush();
        IOException broken = new IOException("Broken pipe");
        peer.failPending(broken);
        assertThat(failure).hasValue(broken);
        outbox.enqueue(Frame.of("c"));
        outbox.flush();
        assertThat(peer.sent).containsExactly("a");
    }

    @Test
    void whenDrainedOnAClosedOutboxWaitsOnlyForTheFrameInFlight() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        AtomicReference<String> order = new AtomicReference<>("");
        peer.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.enqueue(Frame.of("dropped"));
        outbox.close();
        outbox.whenDrained(() -> order.updateAndGet(s -> s + "drained"));
        assertThat(order).hasValue("");
        peer.release();
        assertThat(order).hasValue("drained");
        assertThat(peer.sent).containsExactly("a");
    }

    @Test
    void aSealedOutboxSendsWhatItAcceptedThenRunsWhenDrained() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        peer.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.enqueue(Frame.of("b"));
        outbox.enqueue(Frame.of("c"));
        outbox.seal();
        assertThat(outbox.enqueue(Frame.of("too late"))).isTrue();
        outbox.requestPing();
        outbox.whenDrained(() -> order.add("drained after " + peer.sent.size()));
        assertThat(order).isEmpty();
        peer.release();
        assertThat(peer.sent).containsExactly("a", "b", "c");
        assertThat(peer.pings).hasValue(0);
        assertThat(order).containsExactly("drained after 3");
    }

    @Test
    void whenDrainedRunsAtOnceWhenNothingIsLeft() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        outbox.seal();
        AtomicInteger runs = new AtomicInteger();
        outbox.whenDrained(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aPingGoesAheadOfQueuedFrames() {
        Outbox outbox = new Outbox(peer, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        peer.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.enqueue(Frame.of("b"));
        outbox.requestPing();
        peer.release();
        assertThat(peer.pings).hasValue(1);
        assertThat(peer.sent).containsExactly("a", "b");
        assertThat(delivered).as("a ping is not a delivery").hasValue(2);
    }

    @Test
    void framesQueuedWhileAWriteIsInFlightLeaveTogetherInTheNextWrite() {
        FakePeer framing = FakePeer.writingFrames();
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        framing.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.enqueue(Frame.of("b"));
        outbox.enqueue(Frame.of("ç"));
        outbox.enqueue(Frame.of("한글 " + "x".repeat(200))); // a 16-bit length
        outbox.flush();
        assertThat(framing.writes).as("a write in flight holds the others back").containsExactly(1);
        framing.release();
        assertThat(framing.writes).containsExactly(1, 3);
        assertThat(framing.sent).containsExactly("a", "b", "ç", "한글 " + "x".repeat(200));
        assertThat(delivered).as("deliveries count frames, not writes").hasValue(4);
        assertThat(framing.mostInFlight()).isEqualTo(1);
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(failure).hasNullValue();
    }

    @Test
    void aBatchStopsAtTheBatchLimitAndALargerFrameLeavesAlone() {
        FakePeer framing = FakePeer.writingFrames();
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        String quarter = "q".repeat(Outbox.BATCH_BYTES / 4);
        String huge = "h".repeat(Outbox.BATCH_BYTES * 3); // a 64-bit length
        framing.hold();
        outbox.enqueue(Frame.of("first"));
        outbox.flush();
        for (int i = 0; i < 5; i++) {
            outbox.enqueue(Frame.of(quarter));
        }
        outbox.enqueue(Frame.of(huge));
        outbox.enqueue(Frame.of("last"));
        framing.release();
        assertThat(framing.writes).containsExactly(1, 4, 1, 1, 1);
        assertThat(framing.sent).hasSize(8).endsWith(huge, "last");
        assertThat(delivered).hasValue(8);
    }

    @Test
    void aBurstLargerThanTheKeptQueueLeavesInOrderAndSoDoesWhatFollowsIt() {
        FakePeer framing = FakePeer.writingFrames();
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        String quarterBatch = "k".repeat(Outbox.BATCH_BYTES / 4 - 8); // with its number in front, four to a write
        int burst = Outbox.KEPT_FRAMES * 2;
        List<String> expected = new ArrayList<>();
        framing.hold();
        for (int i = 0; i < burst; i++) {
            expected.add(i + quarterBatch);
            outbox.enqueue(Frame.of(i + quarterBatch));
        }
        outbox.flush();
        framing.release();
        for (int i = 0; i < 3; i++) {
            expected.add("after " + i);
            outbox.enqueue(Frame.of("after " + i));
            outbox.flush();
        }
        assertThat(framing.sent).containsExactlyElementsOf(expected);
        List<Integer> writes = new ArrayList<>(Collections.nCopies(burst / 4, 4));
        writes.addAll(List.of(1, 1, 1));
        assertThat(framing.writes).as("the burst four frames a write, then one write each").containsExactlyElementsOf(writes);
        assertThat(delivered).hasValue(burst + 3);
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(failure).hasNullValue();
    }

    @Test
    void aFailedWriteFailsTheOutboxOnceAndDropsTheRest() {
        FakePeer framing = FakePeer.writingFrames();
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        framing.hold();
        outbox.enqueue(Frame.of("a"));
        outbox.enqueue(Frame.of("b"));
        outbox.flush();
        IOException broken = new IOException("broken pipe");
        framing.failPending(broken);
        outbox.enqueue(Frame.of("c"));
        outbox.flush();
        assertThat(failure).hasValue(broken);
        assertThat(framing.writes).containsExactly(2);
        assertThat(delivered).hasValue(0);
        assertThat(outbox.queuedBytes()).isZero();
    }

    @Test
    void aPeersWriterGetsOneFlushAtATimeWhichTakesTheFramesQueuedUntilItRuns() {
        ArrayDeque<Runnable> handedOver = new ArrayDeque<>();
        FakePeer framing = FakePeer.writingFramesOn(handedOver::add);
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.enqueue(Frame.of("b"));
        outbox.flush();
        assertThat(handedOver).as("the second flush finds the first still waiting").hasSize(1);
        assertThat(framing.writes).as("nothing is written before the writer runs").isEmpty();
        handedOver.poll().run();
        assertThat(framing.writes).containsExactly(2);
        outbox.flush();
        assertThat(handedOver).as("nothing queued: nothing handed over").isEmpty();
        outbox.enqueue(Frame.of("c"));
        outbox.flush();
        handedOver.poll().run();
        assertThat(framing.writes).containsExactly(2, 1);
        assertThat(framing.sent).containsExactly("a", "b", "c");
        assertThat(delivered).hasValue(3);
        assertThat(failure).hasNullValue();
    }

    @Test
    void aFlushWaitingOnTheWriterWritesNothingOnceTheOutboxIsClosed() {
        ArrayDeque<Runnable> handedOver = new ArrayDeque<>();
        FakePeer framing = FakePeer.writingFramesOn(handedOver::add);
        Outbox outbox = new Outbox(framing, Long.MAX_VALUE, Budgets.unlimited(), failure::set, delivered::addAndGet);
        outbox.enqueue(Frame.of("a"));
        outbox.flush();
        outbox.close();
        AtomicInteger drained = new AtomicInteger();
        outbox.whenDrained(drained::incrementAndGet);
        assertThat(drained).as("nothing in flight: the close need not wait for the writer").hasValue(1);
        handedOver.poll().run();
        assertThat(framing.writes).isEmpty();
        assertThat(outbox.queuedBytes()).isZero();
    }
}
