package dev.websocketchat.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LogSafeTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("안녕하세요 <b>모두</b>", "안녕하세요 <b>모두</b>"),
                Arguments.of("a\\nb", "a\\\\nb"),
                Arguments.of("line\n2026-12-01 19:00:00.000 INFO  x: closed connection 1 from 6.6.6.6",
                        "line\\n2026-12-01 19:00:00.000 INFO  x: closed connection 1 from 6.6.6.6"),
                Arguments.of("cr\rlf\ttab", "cr\\rlf\\ttab"),
                Arguments.of("nul\u0000", "nul\\u0000"),
                Arguments.of("esc\u001b[31m", "esc\\u001b[31m"),
                Arguments.of("c1\u0085", "c1\\u0085"),
                Arguments.of("bidi\u202eevil", "bidi\\u202eevil"),
                Arguments.of("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
                Arguments.of("sep\u2028x", "sep\\u2028x"),
                Arguments.of("lone\ud800", "lone\\ud800"),
                Arguments.of("emoji \ud83d\ude00", "emoji \ud83d\ude00"));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void controlCharactersAreEscapedAndEverythingElseKept(String raw, String logged) {
        assertThat(LogSafe.text(raw)).isEqualTo(logged);
    }

    @ParameterizedTest
    @CsvSource({"5, abcdefgh, abcde…", "8, abcdefgh, abcdefgh", "2, 😀😀😀, 😀😀…"})
    void longTextIsCutAtCodePoints(int max, String raw, String logged) {
        assertThat(LogSafe.text(raw, max)).isEqualTo(logged);
    }

    @org.junit.jupiter.api.Test
    void oneRecordIsAlwaysOneLine() {
        StringBuilder everything = new StringBuilder();
        for (int cp = 0; cp < 0x3000; cp++) {
            everything.appendCodePoint(cp);
        }
        assertThat(LogSafe.text(everything.toString(), Integer.MAX_VALUE)).doesNotContain("\n", "\r", "\u0000", "\u2028", "\u202e", "\u0085");
    }
}
