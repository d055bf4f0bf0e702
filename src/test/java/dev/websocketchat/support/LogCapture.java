package dev.websocketchat.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What some loggers log while a test watches them: every record at or above a level that passes a
 * filter, kept in order. {@link #close} stops watching; call it when the test ends.
 */
public final class LogCapture extends Handler {

    private final List<Logger> loggers;
    private final Level minimum;
    private final Predicate<LogRecord> counted;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(List<Logger> loggers, Level minimum, Predicate<LogRecord> counted) {
        this.loggers = loggers;
        this.minimum = minimum;
        this.counted = counted;
        loggers.forEach(logger -> logger.addHandler(this));
    }

    /** Starts keeping what the logger of this class logs at {@code minimum} or above. */
    public static LogCapture of(Class<?> source, Level minimum) {
        return new LogCapture(List.of(Logger.getLogger(source.getName())), minimum, record -> true);
    }

    /** Starts keeping what these loggers log at {@code minimum} or above, of the records {@code counted} accepts. */
    public static LogCapture of(List<Logger> loggers, Level minimum, Predicate<LogRecord> counted) {
        return new LogCapture(List.copyOf(loggers), minimum, counted);
    }

    /** What was kept so far, oldest first; the list goes on filling. */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= minimum.intValue() && counted.test(record)) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    /** Stops watching the loggers. */
    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(this));
    }
}
