package dev.websocketchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * The log of a container that runs in a process of its own (the {@code tomcat-managed},
 * {@code wildfly} and {@code payara} profiles, which keep it off the console): the
 * file the property {@value #PROPERTY} names, or the newest file its last name's {@code *} matches
 * (Tomcat names its log after the day, {@code catalina.*.log}; Payara Micro's {@code --logToFile}
 * writes to the name with {@code .0} added, and rotates it at 1 MB). {@link ShowLogOnFailure} prints
 * what the container wrote there since the last test that ended well, as it does the test JVM's
 * own log. Without the property, as in the default run, there is nothing to show.
 */
final class ContainerLog {

    static final String PROPERTY = "container.log";
    /** The most of one failure's share of the container log that is printed; the rest is in the file. */
    static final int SHOWN_BYTES = 512 * 1024;

    private static final String PATTERN = System.getProperty(PROPERTY);
    private static Object marked; // guarded by ContainerLog.class; the file the mark is in, by its key (inode)
    private static long mark; // guarded by ContainerLog.class; how much of it a passing test saw

    /** Marks the end of the log as it stands: a test ended well, and what came before is its. */
    static synchronized void forget() {
        Path file = current();
        BasicFileAttributes attributes = file == null ? null : attributes(file);
        marked = attributes == null ? null : attributes.fileKey();
        mark = attributes == null ? 0 : attributes.size();
    }

    /**
     * What the container wrote since the last {@link #forget}, at most {@value #SHOWN_BYTES} bytes of
     * it, with a line naming the file; empty without a container log. A file that another one
     * replaced meanwhile (a new day's, or a rotation's) is shown from its start.
     */
    static synchronized String recent() {
        Path now = current();
        BasicFileAttributes attributes = now == null ? null : attributes(now);
        if (attributes == null) {
            return "";
        }
        long size = attributes.size();
        long from = Objects.equals(attributes.fileKey(), marked) && mark <= size ? mark : 0;
        long start = Math.max(from, size - SHOWN_BYTES);
        String skipped = start > from ? "[" + (start - from) + " earlier bytes are only in the file]\n" : "";
        return "---- the container's log since then (" + now.toAbsolutePath() + ") ----\n" + skipped + read(now, start, size);
    }

    /** The file {@value #PROPERTY} names now: its last name may hold one {@code *}; null if none. */
    private static Path current() {
        if (PATTERN == null || PATTERN.isBlank()) {
            return null;
        }
        Path named = Path.of(PATTERN);
        if (!named.getFileName().toString().contains("*")) {
            return Files.exists(named) ? named : null;
        }
        Path newest = null;
        FileTime newestTime = null;
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(named.getParent(), named.getFileName().toString())) {
            for (Path match : matches) {
                FileTime time = Files.getLastModifiedTime(match);
                if (newestTime == null || time.compareTo(newestTime) > 0) {
                    newest = match;
                    newestTime = time;
                }
            }
        } catch (IOException e) {
            return null; // no directory yet: the container has not started
        }
        return newest;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path path, long start, long end) {
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.max(0, end - start));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            int read = 0;
            while (bytes.hasRemaining() && read >= 0) {
                read = channel.read(bytes, start + bytes.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    }

    private ContainerLog() {
    }
}
