package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class RosterTest {

    private final Roster roster = new Roster();

    @Test
    void membersAreKeptInOrderOfAdmissionAndASnapshotNeverChanges() {
        Member first = member(1, 1024);
        Member second = member(2, 1024);
        Member third = member(3, 1024);
        roster.add(first);
        roster.add(second);
        Member[] before = roster.members();
        roster.add(third);
        roster.remove(second);
        assertThat(before).containsExactly(first, second);
        assertThat(roster.members()).containsExactly(first, third);
        assertThat(roster.size()).isEqualTo(2);
        assertThat(roster.clear()).containsExactly(first, third);
        assertThat(roster.members()).isEmpty();
    }

    @Test
    void aFrameIsQueuedForEveryoneAndThoseOverTheirLimitAreReturned() {
        Member roomy = member(1, 1024 * 1024);
        Member tight = member(2, 1024);
        roster.add(roomy);
        roster.add(tight);
        String kilobyte = "x".repeat(1000);
        assertThat(roster.enqueue(Frame.of(kilobyte))).as("both within their limit").isEmpty();
        assertThat(roster.queuedBytes()).isEqualTo(2000);
        assertThat(roster.enqueue(Frame.of(kilobyte))).containsExactly(tight);
        assertThat(roster.queuedBytes()).as("what the one over its limit had queued is dropped").isEqualTo(2000);
    }

    @Test
    void plusAllocatesOnlyWhenSomeoneIsAdded() {
        List<Member> none = List.of();
        Member one = member(1, 1024);
        assertThat(Roster.plus(none, one)).containsExactly(one);
        assertThat(none).isEmpty();
    }

    private static Member member(long id, int queueBytes) {
        ChatConfig config = ChatConfig.builder().sendQueueBytes(queueBytes).build();
        return new Member(null, id, Person.guest("익명"), "test", "127.0.0.1", new FakePeer(), config, Budgets.unlimited(), (member, failure) -> { }, frames -> { }, System.nanoTime());
    }
}
