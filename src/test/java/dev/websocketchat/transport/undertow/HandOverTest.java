package dev.websocketchat.transport.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HandOver} on a plain thread standing in for an XNIO I/O thread, which it treats alike. */
class HandOverTest {

    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private final ExecutorService single = Executors.newSingleThreadExecutor(task -> {
        Thread made = new Thread(task, "hand-over-test");
        made.setDaemon(true);
        thread.set(made);
        return made;
    });
    /** How often the hand-over gave the thread a task. */
    private final AtomicInteger handOvers = new AtomicInteger();
    /** Whether every {@link #holdTheThread} hold was released by its test rather than by its timeout. */
    private final AtomicBoolean heldUntilReleased = new AtomicBoolean(true);
    private HandOver handOver;

    @BeforeEach
    void startTheThread() throws Exception {
        single.submit(() -> { }).get(5, TimeUnit.SECONDS);
        handOver = new HandOver(thread.get(), task -> {
            handOvers.incrementAndGet();
            single.execute(task);
        });
    }

    @AfterEach
    void stop() throws Exception {
        single.submit(() -> { }).get(15, TimeUnit.SECONDS); // any hold has ended
        single.shutdownNow();
        assertThat(heldUntilReleased).as("the thread was held until the test released it").isTrue();
    }

    @Test
    void tasksQueuedWhileAHandOverWaitsGoInThatOneInOrderOnTheThread() throws Exception {
        CountDownLatch busy = holdTheThread();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            int task = i;
            handOver.execute(() -> {
                ran.add(task);
                ranOn.add(Thread.currentThread());
                all.countDown();
            });
        }
        assertThat(handOvers).hasValue(1);
        busy.countDown();
        assertThat(all.await(5, TimeUnit.SECONDS)).as("all 100 ran").isTrue();
        assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(ranOn).containsOnly(thread.get());
        assertThat(handOvers).as("one hand-over for all of them").hasValue(1);
    }

    @Test
    void aTaskAfterTheThreadEmptiedTheQueueHandsOverAgain() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        handOver.execute(first::countDown);
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        single.submit(() -> { }).get(5, TimeUnit.SECONDS); // the hand-over has returned
        CountDownLatch second = new CountDownLatch(1);
        handOver.execute(second::countDown);
        assertThat(second.await(5, TimeUnit.SECONDS)).as("the second task ran").isTrue();
        assertThat(handOvers).hasValue(2);
    }

    @Test
    void aTaskGivenOnTheThreadItselfRunsAtOnce() throws Exception {
        boolean ranBeforeExecuteReturned = single.submit(() -> {
            AtomicInteger ran = new AtomicInteger();
            handOver.execute(ran::incrementAndGet);
            return ran.get() == 1;
        }).get(5, TimeUnit.SECONDS);
        assertThat(ranBeforeExecuteReturned).isTrue();
        assertThat(handOvers).hasValue(0);
    }

    @Test
    void aThreadThatRefusesLeavesTheTasksToTheCallerAndIsAskedAgainNextTime() {
        AtomicInteger asked = new AtomicInteger();
        HandOver refused = new HandOver(thread.get(), task -> {
            asked.incrementAndGet();
            throw new RejectedExecutionException("shutting down");
        });
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        refused.execute(() -> ranOn.add(Thread.currentThread()));
        refused.execute(() -> ranOn.add(Thread.currentThread()));
        assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
        assertThat(asked).hasValue(2);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheTasksAfterIt() throws Exception {
        CountDownLatch busy = holdTheThread();
        CountDownLatch after = new CountDownLatch(1);
        handOver.execute(() -> {
            throw new IllegalStateException("a write that failed");
        });
        handOver.execute(after::countDown);
        busy.countDown();
        assertThat(after.await(5, TimeUnit.SECONDS)).as("the task after the failed one ran").isTrue();
    }

    /** Keeps the thread busy until the returned latch is counted down. */
    private CountDownLatch holdTheThread() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        single.execute(() -> {
            holding.countDown();
            try {
                if (!busy.await(10, TimeUnit.SECONDS)) {
                    heldUntilReleased.set(false);
                }
            } catch (InterruptedException e) {
                heldUntilReleased.set(false);
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        return busy;
    }
}
