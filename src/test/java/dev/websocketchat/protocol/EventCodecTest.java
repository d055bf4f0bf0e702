package dev.websocketchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Refusal;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private final EventCodec codec = new EventCodec(2000);
    private final Chat chat = new Chat(7, "철수", "안녕 \"<b>\"", Instant.parse("2026-11-24T04:00:00.123Z"));

    @Test
    void encodesEveryServerEventAsTheProtocolTableSays() {
        assertThat(codec.encode(Join.of(3, "철수"))).isEqualTo("{\"type\":\"join\",\"online\":3,\"text\":\"새로운 유저 접속 [현재: 3명]\",\"name\":\"철수\"}");
        assertThat(codec.encode(Leave.of(2, "익명"))).isEqualTo("{\"type\":\"leave\",\"online\":2,\"text\":\"유저 연결 해제 [현재: 2명]\",\"name\":\"익명\"}");
        assertThat(codec.encode(new Rename("익명", "철수"))).isEqualTo("{\"type\":\"rename\",\"from\":\"익명\",\"to\":\"철수\"}");
        assertThat(codec.encode(chat)).isEqualTo(
                "{\"type\":\"chat\",\"id\":7,\"name\":\"철수\",\"text\":\"안녕 \\\"<b>\\\"\",\"time\":\"2026-11-24T04:00:00.123Z\"}");
        assertThat(codec.encode(new Refusal("blank_text", "text is blank", null)))
                .isEqualTo("{\"type\":\"error\",\"code\":\"blank_text\",\"reason\":\"text is blank\"}");
        assertThat(codec.encode(new History("e1", true, List.of(), List.of())))
                .isEqualTo("{\"type\":\"history\",\"epoch\":\"e1\",\"complete\":true,\"messages\":[],\"users\":[]}");
        assertThat(codec.encode(new History("e1", false, List.of(chat), List.of(new User("철수", 2)))))
                .isEqualTo("{\"type\":\"history\",\"epoch\":\"e1\",\"complete\":false,\"messages\":[" + codec.encode(chat) + "],"
                        + "\"users\":[{\"name\":\"철수\",\"connections\":2}]}");
    }

    @Test
    void everyEventSurvivesARoundTrip() throws Exception {
        for (ServerEvent event : List.of(Join.of(1, "a"), Leave.of(0, "a"), new Rename("a", "b"), chat, new Refusal("blank_text", "x", "c1"),
                new History("e1", true, List.of(chat, chat), List.of(new User("a", 1), new User("b", 3))))) {
            assertThat(codec.decodeEvent(codec.encode(event))).isEqualTo(event);
        }
    }

    @Test
    void decodesAChatRequestWithItsNameOrNoneForTheConnectionsName() throws Exception {
        assertThat(codec.decode("{\"type\":\"chat\",\"name\":\"영희\",\"text\":\"hi\"}")).isEqualTo(new ClientRequest.Chat("영희", "hi"));
        assertThat(codec.decode("{\"type\":\"chat\",\"name\":\" \",\"text\":\"hi\"}")).isEqualTo(new ClientRequest.Chat("익명", "hi"));
        assertThat(codec.decode("{\"type\":\"chat\",\"text\":\"hi\",\"extra\":[1,2]}")).isEqualTo(new ClientRequest.Chat(null, "hi"));
        assertThat(codec.decode("{\"type\":\"chat\",\"name\":null,\"text\":\"hi\"}")).isEqualTo(new ClientRequest.Chat(null, "hi"));
    }

    @Test
    void decodesARenameWithItsNameCleaned() throws Exception {
        assertThat(codec.decode("{\"type\":\"rename\",\"name\":\" 영희\\u200b \"}")).isEqualTo(new ClientRequest.Rename("영희"));
        assertThat(codec.decode("{\"type\":\"rename\",\"name\":\"\"}")).isEqualTo(new ClientRequest.Rename("익명"));
        assertThatThrownBy(() -> codec.decode("{\"type\":\"rename\"}")).hasMessage("missing name");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"rename\",\"name\":7}")).hasMessage("name must be a string");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"rename\",\"name\":\"" + "n".repeat(33) + "\"}"))
                .hasMessage("name is longer than 32 characters");
    }

    @Test
    void aFrameThatIsNotAJsonObjectIsAChatUnderTheConnectionsName() throws Exception {
        assertThat(codec.decode("Hello")).isEqualTo(new ClientRequest.Chat(null, "Hello"));
        assertThat(codec.decode("[1,2]")).isEqualTo(new ClientRequest.Chat(null, "[1,2]"));
        assertThat(codec.decode("\"quoted\"")).isEqualTo(new ClientRequest.Chat(null, "\"quoted\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{                                       | invalid JSON",
            " {\"type\":\"chat\"                      | invalid JSON",
            "{\"type\":\"chat\",\"text\":\"a\"} {}    | invalid JSON",
            "{\"type\":\"chat\",\"text\":\"a\",\"text\":\"b\"} | invalid JSON",
            "{\"text\":\"a\"}                         | missing type",
            "{\"type\":5,\"text\":\"a\"}              | missing type",
            "{\"type\":\"join\",\"text\":\"a\"}       | unknown type: join",
            "{\"type\":\"chat\"}                      | missing text",
            "{\"type\":\"chat\",\"text\":null}        | missing text",
            "{\"type\":\"chat\",\"text\":7}           | text must be a string",
            "{\"type\":\"chat\",\"text\":\"a\",\"name\":{}} | name must be a string",
            "{\"type\":\"chat\",\"text\":\" \\n\\t\"} | text is blank",
            "{\"type\":\"chat\",\"text\":\"\\u200b\\u200b \\u2060\\ufeff\"} | text is blank",
            "{\"type\":\"chat\",\"text\":\"\\u202e\\u0000\"} | text is blank",
            "{\"type\":\"chat\",\"text\":\"a\\ud800b\"} | text is not valid Unicode",
            "{\"type\":\"chat\",\"text\":\"a\\udc00\"} | text is not valid Unicode",
            "{\"type\":\"chat\",\"text\":\"a\",\"name\":\"\\ud83d\"} | name is not valid Unicode",
    })
    void refusesMalformedInputWithAReason(String frame, String reason) {
        assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(InvalidMessageException.class).hasMessage(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n", "\u200b\u200b\u200b", "\u3164\u3164", "\u2800\u2800\u2800", "\uffa0",
            "\u115f\u1160", "\u034f\u034f", "\u00a0\u202f\u2007", "\u0301\u20dd", "\u17b4 \u17b5"})
    void refusesPlainTextThatShowsNothing(String frame) {
        assertThatThrownBy(() -> codec.decode(frame)).hasMessage("text is blank");
    }

    @Test
    void visibleTextKeepsItsInvisibleCharactersAndPairedSurrogates() throws Exception {
        assertThat(chat("{\"type\":\"chat\",\"text\":\"a\\u200bb \\ud83d\\ude00\"}").text()).isEqualTo("a\u200bb \ud83d\ude00");
    }

    @Test
    void textMayHaveUpToTheLimitInCharactersNotBytes() throws Exception {
        String atLimit = "가".repeat(2000);
        assertThat(chat(atLimit).text()).isEqualTo(atLimit);
        String emoji = "😀".repeat(2000); // 4000 UTF-16 units, 2000 characters
        assertThat(chat(json(emoji)).text()).isEqualTo(emoji);
        assertThatThrownBy(() -> codec.decode(atLimit + "가")).hasMessage("text is longer than 2000 characters");
        assertThatThrownBy(() -> codec.decode(json(atLimit + "a"))).hasMessage("text is longer than 2000 characters");
    }

    @Test
    void namesAreCleanedAndLimited() throws Exception {
        assertThat(chat(named("  김철수  ")).name()).isEqualTo("김철수");
        assertThat(chat(named("a\\u0000b\\u0007c")).name()).isEqualTo("abc");
        assertThat(chat(named("\\u202eevil\\u202c")).name()).isEqualTo("evil");
        assertThat(chat(named("zero\\u200bwidth")).name()).isEqualTo("zerowidth");
        assertThat(chat(named("\\u1100\\u1161")).name()).isEqualTo("가"); // NFC joins the jamo
        assertThat(chat(named("e\\u200b\\u0301")).name()).isEqualTo("\u00e9"); // and what a hidden character kept apart
        assertThat(chat(named(" \\u200b\\t ")).name()).isEqualTo("익명");
        assertThat(chat(named("😀".repeat(32))).name()).hasSize(64);
        assertThatThrownBy(() -> codec.decode(named("n".repeat(33)))).hasMessage("name is longer than 32 characters");
    }

    @Test
    void aNameCannotPassForAnotherByWhatDrawsNothingOrLooksAlike() throws Exception {
        assertThat(chat(named("alice\u00a0")).name()).as("a trailing no-break space").isEqualTo("alice");
        assertThat(chat(named("alice\u3164")).name()).as("a trailing Hangul filler").isEqualTo("alice");
        assertThat(chat(named("ali\u115fce\u2800")).name()).as("fillers and a blank Braille pattern").isEqualTo("alice");
        assertThat(chat(named("\uff41\uff4c\uff49\uff43\uff45")).name()).as("full-width letters are plain ones (NFKC)").isEqualTo("alice");
        assertThat(chat(named("\u3164")).name()).as("nothing left").isEqualTo("익명");
        assertThat(chat(named("a  b")).name()).as("white space collapsed").isEqualTo("a b");
        assertThatThrownBy(() -> codec.decode(named("\u0430lice"))).as("a Cyrillic a among Latin letters")
                .hasMessage("name mixes look-alike scripts");
        assertThatThrownBy(() -> codec.decode(named("p\u0430ypal"))).hasMessage("name mixes look-alike scripts");
        assertThat(chat(named("\u0430\u043b\u0438\u0441\u0430")).name()).as("all Cyrillic is a name like any").isEqualTo("алиса");
        assertThat(chat(named("민수K")).name()).as("Hangul with Latin, as Korean is written").isEqualTo("민수K");
        assertThat(chat(named("山田Taro")).name()).isEqualTo("山田Taro");
    }

    @Test
    void aNameThatReadsLikeAServerNoticeIsRefused() {
        for (String name : List.of("새로운 유저 접속 [현재: 99명]", "새로운유저접속", "유저 연결 해제", "x [현재: 3명]")) {
            assertThatThrownBy(() -> codec.decode(named(name))).as(name).hasMessage("name reads like a server notice");
        }
    }

    @Test
    void anUnknownTypeIsAbbreviatedInTheReason() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"" + "x".repeat(100) + "\"}"))
                .hasMessage("unknown type: " + "x".repeat(32) + "…");
    }

    private static String json(String text) {
        return "{\"type\":\"chat\",\"text\":\"" + text + "\"}";
    }

    private static String named(String name) {
        return "{\"type\":\"chat\",\"name\":\"" + name + "\",\"text\":\"t\"}";
    }

    private ClientRequest.Chat chat(String frame) throws InvalidMessageException {
        return (ClientRequest.Chat) codec.decode(frame);
    }
}
