package dev.websocketchat.standalone;

import java.util.logging.LogManager;

/**
 * A log manager that keeps logging through a SIGTERM until the server has logged its last line.
 * The JDK's own manager closes every handler from a shutdown hook of its own, which races the
 * server's hook, so the shutdown lines ("shutting down", each connection closed, "stopped") were
 * lost. This one ignores a reset while the JVM is shutting down; the server's hook calls
 * {@link #resetAfterShutdown} when it is done. At any other time a reset is the JDK's.
 */
public final class ShutdownLogManager extends LogManager {

    @Override
    public void reset() {
        if (!isShuttingDown()) {
            super.reset();
        }
    }

    /** Closes the handlers now; the server's shutdown hook calls it last. A no-op under another manager. */
    static void resetAfterShutdown() {
        if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
            manager.resetNow();
        }
    }

    private void resetNow() {
        super.reset();
    }

    /** Shutdown hooks can no longer be added once the JVM has begun to shut down. */
    private static boolean isShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
