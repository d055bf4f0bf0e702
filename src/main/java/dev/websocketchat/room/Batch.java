package dev.websocketchat.room;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The frames of one write to a peer that {@linkplain Peer#writesFrames writes frames}, in the
 * order they were queued, each a final unmasked text frame (RFC 6455 §5.2). A transport takes
 * them as {@linkplain #wire() one buffer}, or, where it must fall back to the API, as
 * {@linkplain #text texts} one by one. The buffer of a single frame wraps the array shared by
 * every recipient of the broadcast: read it, never write to it.
 */
public final class Batch {

    private final List<Frame> frames;

    /** Takes the list over: the outbox that made it no longer touches it. */
    Batch(List<Frame> frames) {
        this.frames = frames;
    }

    public int size() {
        return frames.size();
    }

    public String text(int index) {
        return frames.get(index).text();
    }

    /** Every frame, whole, one after another in one buffer. */
    public ByteBuffer wire() {
        if (frames.size() == 1) {
            return ByteBuffer.wrap(frames.get(0).wire());
        }
        int size = 0;
        for (Frame frame : frames) {
            size += frame.wire().length;
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (Frame frame : frames) {
            all.put(frame.wire());
        }
        return all.flip();
    }
}
