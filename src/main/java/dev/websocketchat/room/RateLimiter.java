package dev.websocketchat.room;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One connection's message budget: a token bucket of {@code rate} messages per second holding at
 * most {@code burst}. A connection that keeps sending far past it (more than five times the rate,
 * counted over windows of ten seconds) is flooding. Called by one connection's callbacks, which
 * the container never runs at the same time; synchronized only so that whichever thread runs the
 * next callback sees the state.
 */
final class RateLimiter {

    /** What to do with one message. */
    enum Verdict { ALLOWED, LIMITED, FLOODING }

    static final long FLOOD_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final int FLOOD_FACTOR = 5;

    private final double tokensPerNano;
    private final double burst;
    private final long floodThreshold;
    private final LongSupplier clock;
    private double tokens;
    private long refilledAt;
    private long windowStart;
    private long inWindow;

    /** @param rate messages per second; 0 allows everything */
    RateLimiter(int rate, int burst, LongSupplier nanoClock) {
        this.tokensPerNano = rate / 1e9;
        this.burst = burst;
        this.floodThreshold = (long) FLOOD_FACTOR * rate * TimeUnit.NANOSECONDS.toSeconds(FLOOD_WINDOW_NANOS);
        this.clock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
        this.windowStart = refilledAt;
    }

    synchronized Verdict take() {
        if (tokensPerNano == 0) {
            return Verdict.ALLOWED;
        }
        long now = clock.getAsLong();
        if (now - windowStart >= FLOOD_WINDOW_NANOS) {
            windowStart = now;
            inWindow = 0;
        }
        if (++inWindow > floodThreshold) {
            return Verdict.FLOODING;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens < 1) {
            return Verdict.LIMITED;
        }
        tokens -= 1;
        return Verdict.ALLOWED;
    }
}
