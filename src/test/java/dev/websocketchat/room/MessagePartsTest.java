package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.room.MessageParts.Outcome;
import org.junit.jupiter.api.Test;

class MessagePartsTest {

    private final MessageParts parts = new MessageParts(10);

    @Test
    void aWholeMessageIsTakenAsItIs() {
        String whole = "0123456789";
        assertThat(parts.add(whole, true)).isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isSameAs(whole);
    }

    @Test
    void partsMakeOneMessage() {
        assertThat(parts.add("ab", false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("", false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("cd", true)).isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isEqualTo("abcd");
        assertThat(parts.add("e", true)).isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isEqualTo("e");
    }

    @Test
    void theLimitCountsUtf8BytesInAWholeMessageAndAcrossParts() {
        assertThat(parts.add("가나다", true)).as("9 bytes").isEqualTo(Outcome.COMPLETE);
        assertThat(parts.add("가나다라", true)).as("12 bytes").isEqualTo(Outcome.TOO_BIG);
        assertThat(parts.add("가나", false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("다a", true)).as("10 bytes").isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isEqualTo("가나다a");
    }

    @Test
    void aSurrogatePairCutBetweenPartsCountsFourBytes() {
        String emoji = "😀";
        assertThat(parts.add("abcde" + emoji.charAt(0), false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add(emoji.charAt(1) + "f", true)).as("5 + 4 + 1 bytes").isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isEqualTo("abcde" + emoji + "f");
    }

    @Test
    void aMessagePastTheLimitIsReportedOnceAndItsLaterPartsDropped() {
        assertThat(parts.add("0123456", false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("789ab", false)).isEqualTo(Outcome.TOO_BIG);
        assertThat(parts.add("cdef", false)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("gh", true)).isEqualTo(Outcome.INCOMPLETE);
        assertThat(parts.add("next", true)).isEqualTo(Outcome.COMPLETE);
        assertThat(parts.message()).isEqualTo("next");
    }
}
