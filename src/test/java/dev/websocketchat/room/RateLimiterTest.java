package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.room.RateLimiter.Verdict;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(10, 20, now::get);

    @Test
    void allowsABurstThenTheRate() {
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.take()).as("message %d of the burst", i).isEqualTo(Verdict.ALLOWED);
        }
        assertThat(limiter.take()).isEqualTo(Verdict.LIMITED);
        advance(100);
        assertThat(limiter.take()).as("one token after 100 ms at 10/s").isEqualTo(Verdict.ALLOWED);
        assertThat(limiter.take()).isEqualTo(Verdict.LIMITED);
        advance(10_000);
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.take()).as("refilled to the burst, no further").isEqualTo(Verdict.ALLOWED);
        }
        assertThat(limiter.take()).isEqualTo(Verdict.LIMITED);
    }

    @Test
    void moreThanFiveTimesTheRateWithinTenSecondsIsFlooding() {
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.take()).isNotEqualTo(Verdict.FLOODING);
        }
        assertThat(limiter.take()).isEqualTo(Verdict.FLOODING);
    }

    @Test
    void aSenderJustUnderFiveTimesTheRateIsNeverFlooding() {
        for (int second = 0; second < 60; second++) {
            for (int i = 0; i < 49; i++) {
                assertThat(limiter.take()).isNotEqualTo(Verdict.FLOODING);
            }
            advance(1000);
        }
    }

    @Test
    void aRateOfZeroAllowsEverything() {
        RateLimiter off = new RateLimiter(0, 1, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(off.take()).isEqualTo(Verdict.ALLOWED);
        }
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
