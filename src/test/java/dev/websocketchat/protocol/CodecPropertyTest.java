package dev.websocketchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a client sends, decoding either yields a request that keeps every rule, or refuses it
 * with a reason; it never throws anything else. And whatever the server encodes reads back the same.
 */
class CodecPropertyTest {

    private static final int MAX_TEXT = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCodec codec = new EventCodec(MAX_TEXT);

    @Property(tries = 2000)
    void anyFrameIsAcceptedWithinTheRulesOrRefusedWithAReason(@ForAll("frames") String frame) {
        assertAcceptedWithinTheRulesOrRefused(frame);
    }

    @Property(tries = 2000)
    void anyJsonObjectIsAcceptedWithinTheRulesOrRefusedWithAReason(@ForAll("objects") Map<String, Object> object)
            throws Exception {
        assertAcceptedWithinTheRulesOrRefused(JSON.writeValueAsString(object));
    }

    @Property(tries = 1000)
    void everyChatReadsBackAsEncoded(@ForAll("texts") String name, @ForAll("texts") String text,
                                     @ForAll("shortLists") List<String> more) throws Exception {
        Chat chat = new Chat(1 + Math.abs(text.hashCode() % 1000), name, text, Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(codec.decodeEvent(codec.encode(chat))).isEqualTo(chat);
        History history = new History(name, more.isEmpty(), more.stream()
                .map(extra -> new Chat(2, extra, extra, Instant.EPOCH)).toList(),
                more.stream().map(extra -> new ServerEvent.User(extra, extra.length() + 1)).toList());
        assertThat(codec.decodeEvent(codec.encode(history))).isEqualTo(history);
    }

    private void assertAcceptedWithinTheRulesOrRefused(String frame) {
        try {
            ClientRequest.Chat request = (ClientRequest.Chat) codec.decode(frame); // no frame here is a rename
            assertThat(request.text()).isNotBlank();
            assertThat(request.text().codePointCount(0, request.text().length())).isLessThanOrEqualTo(MAX_TEXT);
            String name = request.name() == null ? "익명" : request.name();
            assertThat(name).isNotBlank();
            assertThat(name.codePointCount(0, name.length())).isLessThanOrEqualTo(32);
            assertThat(name.codePoints()).noneMatch(cp -> Character.getType(cp) == Character.CONTROL
                    || Character.getType(cp) == Character.FORMAT);
            assertThat(Normalizer.isNormalized(name, Normalizer.Form.NFC)).isTrue();
        } catch (InvalidMessageException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.kind()).isNotNull();
        }
    }

    /** Unicode of every kind, with the characters names must lose over-represented. */
    @Provide
    Arbitrary<String> texts() {
        String tricky = "\u202e\u200b\u0000\n\t\ufeffe\u0301{}\"\\ 가\ud83d\ude00";
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.strings().withChars(tricky).ofMaxLength(60),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40));
    }

    @Provide
    Arbitrary<List<String>> shortLists() {
        return texts().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> frames() {
        return Arbitraries.oneOf(texts(), texts().map(text -> "{" + text), texts().map(text ->
                "{\"type\":\"chat\",\"name\":\"" + text + "\",\"text\":\"" + text + "\"}"));
    }

    @Provide
    Arbitrary<Map<String, Object>> objects() {
        Arbitrary<Object> values = Arbitraries.oneOf(texts().map(Object.class::cast),
                Arbitraries.integers().map(Object.class::cast), Arbitraries.of(true, false).map(Object.class::cast),
                texts().list().ofMaxSize(2).map(Object.class::cast)).injectNull(0.1);
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("type", "name", "text"), texts());
        Arbitrary<Map<String, Object>> random = Arbitraries.maps(keys, values).ofMaxSize(4);
        Arbitrary<Map<String, Object>> chats = Arbitraries.maps(Arbitraries.of("name", "text"), values).ofMaxSize(2)
                .map(fields -> {
                    java.util.HashMap<String, Object> chat = new java.util.HashMap<>(fields);
                    chat.put("type", "chat");
                    return chat;
                });
        return Arbitraries.oneOf(random, chats);
    }
}
