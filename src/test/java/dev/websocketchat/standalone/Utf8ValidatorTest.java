package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {

    @Test
    void refusesEachIllFormedSequenceAtItsFirstWrongByte() {
        // the bytes, and how many of them are taken before one is refused
        assertThat(firstRefused("f09f9880")).as("U+1F600").isEqualTo(-1);
        assertThat(firstRefused("c080")).as("an overlong NUL").isEqualTo(0);
        assertThat(firstRefused("e08080")).as("an overlong three-byte form").isEqualTo(1);
        assertThat(firstRefused("eda080")).as("a surrogate").isEqualTo(1);
        assertThat(firstRefused("f4908080")).as("past U+10FFFF").isEqualTo(1);
        assertThat(firstRefused("f5")).isEqualTo(0);
        assertThat(firstRefused("41bf")).as("a continuation byte first").isEqualTo(1);
        assertThat(firstRefused("cebae1bdb9cf83f490")).as("Autobahn 6.4.2's text").isEqualTo(8);
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(6455);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int j = 0; j < bytes.length; j++) { // mostly bytes that start or continue a sequence
                bytes[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0x80 + random.nextInt(0x78));
            }
            Utf8Validator validator = new Utf8Validator();
            boolean accepted = true;
            for (byte b : bytes) {
                accepted &= validator.accept(b & 0xff);
            }
            assertThat(accepted && validator.complete()).as(HexFormat.of().formatHex(bytes)).isEqualTo(strictlyDecodes(bytes));
        }
    }

    private static int firstRefused(String hex) {
        Utf8Validator validator = new Utf8Validator();
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int i = 0; i < bytes.length; i++) {
            if (!validator.accept(bytes[i] & 0xff)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean strictlyDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
