package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A bounded wait for a condition polled every 100 ms, failing the test when it runs out. */
public final class Await {

    private Await() {
    }

    /** Polls until {@code done} holds (an exception counts as not yet), and fails the test saying {@code what} if it never did within {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean reached = false;
        while (!reached && System.nanoTime() < deadline) {
            try {
                reached = done.getAsBoolean();
            } catch (RuntimeException notYet) {
                reached = false;
            }
            if (!reached) {
                Thread.sleep(100);
            }
        }
        assertThat(reached).as(what + " within " + limit).isTrue();
    }
}
