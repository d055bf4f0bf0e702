package dev.websocketchat.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong();
    private final LogThrottle throttle = new LogThrottle(now::get);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getAnonymousLogger();

    LogThrottleTest() {
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL); // whatever the tests' logging configuration says of the root
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void eachAddressAndCauseWritesItsLinesThenOneCountOfWhatWasLeftOut() {
        for (int i = 0; i < 100; i++) {
            int n = i;
            throttle.log(logger, Level.INFO, "closed", "10.0.0.1", () -> "closed " + n);
        }
        throttle.log(logger, Level.INFO, "closed", "10.0.0.2", () -> "another address");
        throttle.log(logger, Level.INFO, "opened", "10.0.0.1", () -> "another cause");
        assertThat(lines).hasSize(LogThrottle.LINES + 2).contains("another address", "another cause");
        now.addAndGet(TimeUnit.SECONDS.toNanos(LogThrottle.WINDOW_SECONDS));
        throttle.log(logger, Level.INFO, "closed", "10.0.0.1", () -> "after the window");
        assertThat(lines.subList(lines.size() - 2, lines.size()))
                .containsExactly("left out 80 more 'closed' lines for 10.0.0.1 in 10 s", "after the window");
    }

    @Test
    void theSweepEndsWindowsThatAreOverWithTheirCount() {
        for (int i = 0; i < LogThrottle.LINES + 3; i++) {
            throttle.log(logger, Level.INFO, "sockets", "10.0.0.9", () -> "x");
        }
        throttle.sweep(logger);
        assertThat(throttle.tracked()).as("its window is not over").isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(LogThrottle.WINDOW_SECONDS));
        throttle.sweep(logger);
        assertThat(throttle.tracked()).isZero();
        assertThat(lines).last().isEqualTo("left out 3 more 'sockets' lines for 10.0.0.9 in 10 s");
    }
}
