package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressBudgetsTest {

    private final AtomicLong now = new AtomicLong();
    private final ChatConfig config = ChatConfig.builder().addressHandshakes(2).addressBytes(64 * 1024).addressRooms(3)
            .roomIdleSeconds(60).build();
    private final AddressBudgets budgets = new AddressBudgets(config, now::get);

    private void later(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void handshakesHaveABurstOfFiveSecondsAndThenTheRate() {
        for (int i = 0; i < 10; i++) {
            assertThat(budgets.handshake("10.0.0.1")).as("handshake %d of the burst", i).isTrue();
        }
        assertThat(budgets.handshake("10.0.0.1")).isFalse();
        assertThat(budgets.handshake("10.0.0.2")).as("another address has its own").isTrue();
        later(1);
        assertThat(budgets.handshake("10.0.0.1")).isTrue();
        assertThat(budgets.handshake("10.0.0.1")).isTrue();
        assertThat(budgets.handshake("10.0.0.1")).isFalse();
    }

    @Test
    void bytesAreCountedOverEveryConnectionOfTheAddress() {
        assertThat(budgets.bytes("10.0.0.1", 100 * 1024)).isTrue();
        assertThat(budgets.bytes("10.0.0.1", 28 * 1024)).isTrue();
        assertThat(budgets.bytes("10.0.0.1", 1)).as("two seconds' worth spent").isFalse();
        later(1);
        assertThat(budgets.bytes("10.0.0.1", 64 * 1024)).isTrue();
    }

    @Test
    void roomsAreHeldUntilDroppedAndOpenedAtMostSoManyPerIdleTime() {
        for (int i = 0; i < 3; i++) {
            assertThat(budgets.openRoom("10.0.0.1")).isTrue();
        }
        assertThat(budgets.openRoom("10.0.0.1")).as("three held").isFalse();
        budgets.roomClosed("10.0.0.1");
        assertThat(budgets.openRoom("10.0.0.1")).as("one dropped, but three opened within the idle time").isFalse();
        later(20);
        assertThat(budgets.openRoom("10.0.0.1")).as("a third of the idle time refills one").isTrue();
        assertThat(budgets.openRoom("10.0.0.1")).isFalse();
    }

    @Test
    void reconnectingRefillsNothingAndAnAddressAsGoodAsNewIsForgotten() {
        for (int i = 0; i < 10; i++) {
            budgets.handshake("10.0.0.1");
        }
        budgets.sweep();
        assertThat(budgets.tracked()).as("spent: kept").isEqualTo(1);
        assertThat(budgets.handshake("10.0.0.1")).isFalse();
        later(5);
        budgets.sweep();
        assertThat(budgets.tracked()).as("full again: as good as new").isZero();
        assertThat(budgets.openRoom("10.0.0.3")).isTrue();
        later(3600);
        budgets.sweep();
        assertThat(budgets.tracked()).as("holding a room: kept").isEqualTo(1);
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        assertThat(AddressBudgets.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo(AddressBudgets.key("2001:db8:1:2::1"))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(AddressBudgets.key("2001:db8:1:3::1")).isNotEqualTo(AddressBudgets.key("2001:db8:1:2::1"));
        assertThat(AddressBudgets.key("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
        assertThat(AddressBudgets.key("192.0.2.7")).isEqualTo("192.0.2.7");
    }
}
