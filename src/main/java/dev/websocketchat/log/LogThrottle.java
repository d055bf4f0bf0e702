package dev.websocketchat.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the lines a client can cause from flooding the log: per client address and cause, at most
 * {@value #LINES} lines per {@value #WINDOW_SECONDS} s window; the rest are counted, and the first
 * line after the window (or the {@link #sweep} at its end) says how many were left out. So a
 * client that opens and closes thousands of connections writes a few lines and a count, and
 * every line that is written is as it would have been.
 *
 * <p>At most {@value #MAX_KEYS} address and cause pairs are tracked; past that, every further
 * address counts under one shared key per cause, so many addresses cannot grow the map either.
 *
 * <p>Thread-safe; a line is formatted only if it is written. Records name the logger as their
 * source class and the cause as the method, which spares each the stack walk by which
 * java.util.logging finds a source otherwise (docs/benchmarks.md, "Found by profiling").
 */
public final class LogThrottle {

    public static final int LINES = 20;
    public static final int WINDOW_SECONDS = 10;
    static final int MAX_KEYS = 10_000;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

    private final LongSupplier clock;
    /**
     * The window of each address and cause with a line in the last {@value #WINDOW_SECONDS} s: a
     * few causes per address, {@value #MAX_KEYS} entries for the whole server at most (then one
     * shared key per cause), each dropped by the {@link #sweep} once its window is over.
     */
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public LogThrottle(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /** A log line of the cause for the address, unless the pair has had its lines this window. */
    public void log(Logger logger, Level level, String cause, String address, Supplier<String> line) {
        if (!logger.isLoggable(level)) {
            return;
        }
        String key = cause + " " + address;
        if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
            key = cause + " *";
        }
        long now = clock.getAsLong();
        long[] leftOut = {0};
        boolean[] write = {false};
        windows.compute(key, (k, window) -> {
            Window current = window;
            if (current == null || now - current.start >= WINDOW_NANOS) {
                leftOut[0] = current == null ? 0 : current.suppressed;
                current = new Window(now);
            }
            write[0] = ++current.lines <= LINES;
            if (!write[0]) {
                current.suppressed++;
            }
            return current;
        });
        if (leftOut[0] > 0) {
            summarise(logger, level, cause, key, leftOut[0]);
        }
        if (write[0]) {
            logger.logp(level, logger.getName(), cause, line);
        }
    }

    /** Ends the windows that are over, with a line for each that left lines out: every window length or so. */
    public void sweep(Logger logger) {
        long now = clock.getAsLong();
        for (String key : windows.keySet()) {
            long[] leftOut = {0};
            windows.computeIfPresent(key, (k, window) -> {
                if (now - window.start < WINDOW_NANOS) {
                    return window;
                }
                leftOut[0] = window.suppressed;
                return null;
            });
            if (leftOut[0] > 0) {
                summarise(logger, Level.INFO, key.substring(0, key.indexOf(' ')), key, leftOut[0]);
            }
        }
    }

    /** Pairs tracked now. */
    int tracked() {
        return windows.size();
    }

    private static void summarise(Logger logger, Level level, String cause, String key, long count) {
        String address = key.substring(cause.length() + 1);
        logger.logp(level, logger.getName(), cause, () -> "left out " + count + " more '" + cause + "' lines for "
                + (address.equals("*") ? "other addresses" : LogSafe.text(address, 60)) + " in " + WINDOW_SECONDS + " s");
    }

    private static final class Window {
        private final long start;
        private long lines;
        private long suppressed;

        Window(long start) {
            this.start = start;
        }
    }
}
