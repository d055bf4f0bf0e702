package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class LeaveCauseTest {

    @Test
    void aFailureTheContainerReportsIsCountedAsWhatItSaysHappened() {
        assertThat(LeaveCause.of(new SocketException("Connection reset"))).isEqualTo(LeaveCause.RESET);
        assertThat(LeaveCause.of(new IOException(new IOException("Broken pipe")))).isEqualTo(LeaveCause.RESET);
        assertThat(LeaveCause.of(new EOFException())).isEqualTo(LeaveCause.RESET);
        assertThat(LeaveCause.of(new ClosedChannelException())).isEqualTo(LeaveCause.RESET);
        assertThat(LeaveCause.of(new IOException(new SocketTimeoutException()))).as("a write given up").isEqualTo(LeaveCause.SLOW_CONSUMER);
        assertThat(LeaveCause.of(new IllegalStateException("a bug"))).isEqualTo(LeaveCause.ERROR);
        assertThat(LeaveCause.of(new RuntimeException(new IllegalArgumentException()))).isEqualTo(LeaveCause.ERROR);
    }

    @Test
    void everyCauseTheServerActsOnClosesWithACodeAndOnlyTheClientsOwnEndingsDoNot() {
        for (LeaveCause cause : LeaveCause.values()) {
            if (cause == LeaveCause.CLOSED || cause == LeaveCause.RESET) {
                assertThat(cause.code()).as(cause.name()).isZero();
                assertThat(cause.reason()).as(cause.name()).isEmpty();
            } else {
                assertThat(cause.code()).as(cause.name()).satisfiesAnyOf(code -> assertThat(code).isBetween(1000, 1015),
                        code -> assertThat(code).as("an application's own code: 4401 unauthorized, 4403 forbidden").isIn(4401, 4403));
                assertThat(cause.reason()).as(cause.name()).isNotBlank();
            }
        }
    }
}
