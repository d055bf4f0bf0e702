package dev.websocketchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The tests' only log handler (named in {@code src/test/resources/logging.properties}), so that a
 * passing run prints nothing of the servers it starts: every record goes to
 * {@code target/test-logs/<pid>.log}, and the lines since the last test that ended well are kept
 * in memory (the last {@value #KEPT}), which {@link ShowLogOnFailure} prints under a failing test.
 */
public final class TestLog extends Handler {

    static final int KEPT = 5_000;
    private static final Path FILE = Path.of("target", "test-logs", ProcessHandle.current().pid() + ".log");
    private static final Deque<String> RECENT = new ArrayDeque<>(); // guarded by RECENT
    private static long dropped; // guarded by RECENT
    private static Writer file; // guarded by RECENT; opened by the first handler

    public TestLog() {
        setFormatter(new SimpleFormatter());
        setLevel(Level.ALL);
        synchronized (RECENT) {
            if (file == null) {
                try {
                    Files.createDirectories(FILE.getParent());
                    file = Files.newBufferedWriter(FILE, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Where this JVM's whole test log is. */
    static Path file() {
        return FILE;
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line = getFormatter().format(record);
        synchronized (RECENT) {
            try {
                file.write(line);
                file.flush(); // the file must hold everything even if the JVM dies or hangs
            } catch (IOException e) {
                reportError(null, e, ErrorManager.WRITE_FAILURE);
            }
            RECENT.addLast(line);
            if (RECENT.size() > KEPT) {
                RECENT.removeFirst();
                dropped++;
            }
        }
    }

    /** Forgets the lines kept so far: the test they belong to ended well. */
    static void forget() {
        synchronized (RECENT) {
            RECENT.clear();
            dropped = 0;
        }
    }

    /** The lines kept since the last {@link #forget}, with how many older ones were dropped. */
    static String recent() {
        synchronized (RECENT) {
            StringBuilder text = new StringBuilder();
            if (dropped > 0) {
                text.append("[").append(dropped).append(" earlier lines are only in the file]\n");
            }
            RECENT.forEach(text::append);
            return text.toString();
        }
    }

    @Override
    public void flush() {
        synchronized (RECENT) {
            flushFile();
        }
    }

    /** Flushes the file, which {@link #publish} already does after every line. */
    private static void flushFile() {
        try {
            file.flush();
        } catch (IOException e) {
            new ErrorManager().error("could not flush " + FILE, e, ErrorManager.FLUSH_FAILURE);
        }
    }

    @Override
    public void close() {
        flush();
    }
}
