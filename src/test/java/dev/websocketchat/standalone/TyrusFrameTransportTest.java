package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The close frame the room writes itself (RFC 6455 5.5 and 5.5.1). */
class TyrusFrameTransportTest {

    @Test
    void aCloseFrameCarriesTheCodeAndTheReason() {
        ByteBuffer frame = TyrusFrameTransport.closeFrame(1008, "flooding");
        assertThat(bytes(frame)).containsExactly(0x88, 10, 0x03, 0xf0, 'f', 'l', 'o', 'o', 'd', 'i', 'n', 'g');
    }

    @Test
    void aLongReasonIsCutToWholeCharactersWithinTheControlFrameLimit() {
        ByteBuffer frame = TyrusFrameTransport.closeFrame(1001, "가".repeat(60) + "😀".repeat(40));
        int payload = frame.get(1);
        assertThat(payload).isEqualTo(frame.remaining() - 2).isLessThanOrEqualTo(125);
        String reason = new String(frame.array(), 4, payload - 2, StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("가".repeat(41)); // 123 bytes; a 42nd would not fit
    }

    @Test
    void aReasonOfFourByteCharactersIsNeverCutInsideOne() {
        ByteBuffer frame = TyrusFrameTransport.closeFrame(1000, "😀".repeat(40));
        String reason = new String(frame.array(), 4, frame.get(1) - 2, StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("😀".repeat(30)); // 120 bytes
    }

    private static int[] bytes(ByteBuffer frame) {
        int[] bytes = new int[frame.remaining()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = frame.get(frame.position() + i) & 0xff;
        }
        return bytes;
    }
}
