package dev.websocketchat.room;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The frames of one write to a peer that {@linkplain Peer#writesFrames writes frames}, in the
 * order they were queued, each a final unmasked text frame (RFC 6455 §5.2). A transport takes
 * what it can use: all of them as {@linkplain #wire() one buffer}, or frame by frame as
 * {@linkplain #payload payloads} or {@linkplain #text texts}. The buffers are views of arrays
 * shared by every recipient of a broadcast: read them, never write to them.
 */
public final class Batch {

    private final List<Frame> frames;

    Batch(List<Frame> frames) {
        this.frames = frames;
    }

    public int size() {
        return frames.size();
    }

    public String text(int index) {
        return frames.get(index).text();
    }

    /** The UTF-8 payload of one frame, without its header. */
    public ByteBuffer payload(int index) {
        byte[] wire = frames.get(index).wire();
        int length = frames.get(index).bytes();
        return ByteBuffer.wrap(wire, wire.length - length, length).slice();
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
