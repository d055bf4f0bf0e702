package dev.websocketchat.support;

import java.lang.management.ManagementFactory;

/** The heap of this JVM, for servers that run inside it (the standalone server, embedded Tomcat). */
public final class Heap {

    /** What an attack may leave on the heap after a GC: far below what one unbounded queue held (hundreds of MB). */
    public static final long SLACK_BYTES = 32L * 1024 * 1024;

    private Heap() {
    }

    /** Bytes in use right after a full GC. */
    public static long afterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
