package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.Resume;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's memory budget carried out over real rooms: rooms whose budget is half of a heap of
 * {@value #HEAP} bytes, so 250,000 for the history of all rooms and as much for all queues.
 */
class MemoryBudgetTest {

    private static final long HEAP = 1_000_000;
    private static final long LIMIT = HEAP / 100 * 50 / 2;
    private static final ChatConfig CONFIG = ChatConfig.builder().history(200).maxRooms(10).rateLimit(0).maxConnections(100)
            .maxConnectionsPerAddress(0).addressBytes(0).addressRooms(0).memoryPercent(50).build();
    private static final String TEXT = "x".repeat(2000);

    /** The budget's own readings, as the meters get them. */
    private final class Readings implements Meters {
        private volatile LongSupplier history;
        private volatile LongSupplier historyTrims;
        private volatile LongSupplier queueTrims;

        @Override
        public void watch(IntSupplier connections, LongSupplier queuedBytes, IntSupplier rooms) {
        }

        @Override
        public void watchBudgets(LongSupplier historyBytes, long historyLimit, long queueLimit, LongSupplier historyTrims,
                                 LongSupplier queueTrims, IntSupplier addresses) {
            assertThat(historyLimit).isEqualTo(LIMIT);
            assertThat(queueLimit).isEqualTo(LIMIT);
            this.history = historyBytes;
            this.historyTrims = historyTrims;
            this.queueTrims = queueTrims;
        }
    }

    private final Readings readings = new Readings();
    private final Rooms rooms = Rooms.local(CONFIG, readings, HEAP);

    @AfterEach
    void close() {
        rooms.close();
    }

    @Test
    void pastItsBudgetTheHistoryLosesTheOldestChatsOfTheLargestRoomFirst() throws Exception {
        Member small = enter("small", new FakePeer());
        Member big = enter("big", new FakePeer());
        say(small, 20);
        long smallBytes = small.room().historyBytes();
        say(big, 100); // 120 chats of about 2,150 bytes: over the 250,000
        await(() -> readings.historyTrims.getAsLong() > 0 && readings.history.getAsLong() <= LIMIT);
        assertThat(small.room().historyBytes()).as("the smaller room keeps all its history").isEqualTo(smallBytes);
        assertThat(big.room().historyBytes() + smallBytes).isEqualTo(readings.history.getAsLong());
        FakePeer newcomer = new FakePeer();
        enter("big", newcomer);
        String history = newcomer.sentOfType("history").get(0);
        assertThat(history).as("the oldest went first").doesNotContain("\"id\":1,").contains("\"id\":100,")
                .contains("\"complete\":false");
    }

    @Test
    void pastItsBudgetTheConnectionWithTheMostQueuedIsEvictedAndTheOthersStay() throws Exception {
        FakePeer first = new FakePeer();
        FakePeer second = new FakePeer();
        FakePeer reader = new FakePeer();
        FakePeer sending = new FakePeer();
        Member sender = enter(Rooms.LOBBY, sending);
        Member most = enter(Rooms.LOBBY, first);
        Member less = enter(Rooms.LOBBY, second);
        enter(Rooms.LOBBY, reader);
        first.hold();
        say(sender, 50); // about 105,000 bytes wait for the first
        second.hold();
        say(sender, 80); // the two together pass 250,000 with the first at about 180,000 and the second at 75,000
        await(() -> most.state == Member.State.GONE);
        assertThat(less.state).as("the other stalled reader, holding less, stays").isEqualTo(Member.State.ADMITTED);
        assertThat(readings.queueTrims.getAsLong()).isPositive();
        first.release();
        assertThat(first.closedWith.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
        assertThat(second.closedWith).isNotDone();
        assertThat(sending.sentOfType("error")).as("refused while the queues were over their budget, before the trim")
                .allMatch(refusal -> refusal.contains("server busy"));
        assertThat(reader.sentOfType("chat")).as("a reader that reads misses nothing but what was refused meanwhile")
                .hasSize(130 - sending.sentOfType("error").size());
    }

    private Member enter(String room, FakePeer peer) {
        Member member = rooms.connect(room, peer, "test", "127.0.0.1", "익명").member();
        member.room().admit(member, Resume.NONE);
        return member;
    }

    private static void say(Member member, int chats) {
        for (int i = 0; i < chats; i++) {
            member.room().receive(member, TEXT, true);
        }
    }

    /** Waits, bounded, for the trim the timer thread runs; the condition is asserted. */
    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(done.getAsBoolean()).as("within 10 s").isTrue();
    }
}
