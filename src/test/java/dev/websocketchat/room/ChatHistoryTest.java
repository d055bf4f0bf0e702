package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatHistoryTest {

    private final ChatHistory history = new ChatHistory(3, Budgets.unlimited());

    private void say(int count) {
        for (int i = 0; i < count; i++) {
            history.append("n", "t", Instant.EPOCH, null);
        }
    }

    private static List<Long> ids(History event) {
        return event.messages().stream().map(Chat::id).toList();
    }

    @Test
    void aNewClientGetsEveryKeptChatCompleteOnlyWhileNoneWasDropped() {
        assertThat(history.after(Resume.NONE, List.of())).isEqualTo(new History(history.epoch(), true, List.of(), List.of()));
        say(3);
        assertThat(history.after(Resume.NONE, List.of()).complete()).isTrue();
        say(1);
        History full = history.after(Resume.NONE, List.of());
        assertThat(ids(full)).containsExactly(2L, 3L, 4L);
        assertThat(full.complete()).isFalse();
    }

    @Test
    void aResumeInThisEpochGetsExactlyTheChatsAfterItsId() {
        say(5);
        String epoch = history.epoch();
        assertThat(ids(history.after(new Resume(epoch, 3), List.of()))).containsExactly(4L, 5L);
        assertThat(history.after(new Resume(epoch, 3), List.of()).complete()).isTrue();
        assertThat(history.after(new Resume(epoch, 2), List.of()).complete()).as("3, 4, 5 are all kept").isTrue();
        assertThat(ids(history.after(new Resume(epoch, 5), List.of()))).isEmpty();
        assertThat(history.after(new Resume(epoch, 5), List.of()).complete()).isTrue();
    }

    @Test
    void aResumeTheBufferCannotHonourGetsEverythingMarkedIncomplete() {
        say(5);
        for (Resume resume : List.of(new Resume(history.epoch(), 1), new Resume(history.epoch(), 6),
                new Resume("another", 4), new Resume("another", 0))) {
            History answer = history.after(resume, List.of());
            assertThat(ids(answer)).as(resume.toString()).containsExactly(3L, 4L, 5L);
            assertThat(answer.complete()).as(resume.toString()).isFalse();
        }
    }

    @Test
    void withNoBufferOnlyAnUpToDateResumeIsComplete() {
        ChatHistory none = new ChatHistory(0, Budgets.unlimited());
        none.append("n", "t", Instant.EPOCH, null);
        assertThat(none.after(new Resume(none.epoch(), 1), List.of())).isEqualTo(new History(none.epoch(), true, List.of(), List.of()));
        assertThat(none.after(new Resume(none.epoch(), 0), List.of()).complete()).isFalse();
        assertThat(none.after(Resume.NONE, List.of()).complete()).isFalse();
    }

    @Test
    void whatIsKeptIsCountedInHeapBytesByItsCharactersAndGivenBackAsChatsGo() {
        MemoryBudget budget = Budgets.unlimited();
        ChatHistory counted = new ChatHistory(2, budget);
        counted.append("ab", "latin", Instant.EPOCH, null); // Latin-1: a byte a character
        long latin = ChatHistory.CHAT_OVERHEAD_BYTES + 2 + 5;
        assertThat(counted.bytes()).isEqualTo(latin);
        counted.append("ab", "가나😀", Instant.EPOCH, null); // anything else: two bytes a char, the emoji's two chars included
        long wide = ChatHistory.CHAT_OVERHEAD_BYTES + 2 + 2 * 4;
        assertThat(counted.bytes()).isEqualTo(latin + wide);
        counted.append("ab", "latin", Instant.EPOCH, null); // the capacity drops the oldest
        assertThat(counted.bytes()).isEqualTo(wide + latin);
        assertThat(budget.historyBytes()).isEqualTo(counted.bytes());
        assertThat(counted.dropOldest(1)).as("at least one byte frees the oldest whole chat").isEqualTo(wide);
        assertThat(ids(counted.after(Resume.NONE, List.of()))).containsExactly(3L);
        assertThat(counted.after(Resume.NONE, List.of()).complete()).isFalse();
        counted.clear();
        assertThat(budget.historyBytes()).isZero();
        assertThat(counted.append("ab", "next", Instant.EPOCH, null).id()).as("ids go on after a clear").isEqualTo(4);
    }

    @Test
    void eachHistoryHasItsOwnEpoch() {
        assertThat(new ChatHistory(3, Budgets.unlimited()).epoch()).isNotEqualTo(new ChatHistory(3, Budgets.unlimited()).epoch()).isNotEmpty();
    }

    @Test
    void malformedResumeParametersMeanNoResume() {
        assertThat(Resume.from(Map.of("since", List.of("7"), "epoch", List.of("abc")))).isEqualTo(new Resume("abc", 7));
        for (Map<String, List<String>> parameters : List.of(Map.<String, List<String>>of(),
                Map.of("since", List.of("7")), Map.of("epoch", List.of("abc")),
                Map.of("since", List.of("x"), "epoch", List.of("abc")),
                Map.of("since", List.of("-2"), "epoch", List.of("abc")),
                Map.of("since", List.of("99999999999999999999"), "epoch", List.of("abc")),
                Map.of("since", List.of("7"), "epoch", List.of("")))) {
            assertThat(Resume.from(parameters)).as(parameters.toString()).isEqualTo(Resume.NONE);
        }
    }
}
