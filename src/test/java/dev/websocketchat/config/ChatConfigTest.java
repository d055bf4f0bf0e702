package dev.websocketchat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChatConfigTest {

    /** The configuration table of docs/operations.md: key, property, default, meaning. */
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z_]+)` \\| `([a-z.]+)` \\| (`[^`]*`|empty) \\| (.*)\\|$");

    private static List<Matcher> documentedSettings() throws IOException {
        List<Matcher> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("docs/operations.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void theDocumentedTableNamesEverySettingWithItsPropertyAndDefault() throws IOException {
        List<Matcher> rows = documentedSettings();
        assertThat(rows).as("one row per setting").hasSize(ChatConfig.class.getRecordComponents().length);
        assertThat(ChatConfig.from(Map.of(), new Properties())).isEqualTo(ChatConfig.DEFAULTS);
        for (Matcher row : rows) {
            String key = row.group(1);
            String documented = row.group(3).equals("empty") ? "" : row.group(3).replace("`", "");
            assertThat(row.group(2)).as("property of " + key).isEqualTo(Settings.propertyName(key));
            assertThat(ChatConfig.from(Map.of(key, documented), new Properties())).as("default of " + key).isEqualTo(ChatConfig.DEFAULTS);
            Map<String, String> env = new java.util.HashMap<>(needs(row.group(4)));
            env.put(key, anotherValue(documented, row.group(4)));
            assertThat(ChatConfig.from(env, new Properties())).as(key + " is read").isNotEqualTo(ChatConfig.DEFAULTS);
        }
    }

    /** The settings a description says it needs beside it: {@code (with `CHAT_AUTH=optional`)}. */
    private static Map<String, String> needs(String description) {
        Matcher with = Pattern.compile("\\(with `(CHAT_[A-Z_]+)=([^`]+)`\\)").matcher(description);
        return with.find() ? Map.of(with.group(1), with.group(2)) : Map.of();
    }

    /**
     * A valid value other than the default: the next number, the other boolean, the example the
     * description gives ("for example `…`"), or else another address.
     */
    private static String anotherValue(String documented, String description) {
        Matcher forExample = Pattern.compile("for example `([^`]+)`").matcher(description);
        if (!documented.matches("\\d+|true|false") && forExample.find()) {
            return forExample.group(1);
        }
        if (documented.matches("\\d+")) {
            return Integer.toString(Integer.parseInt(documented) + 1);
        }
        if (documented.equals("true") || documented.equals("false")) {
            return Boolean.toString(!Boolean.parseBoolean(documented));
        }
        if (!documented.isEmpty()) {
            return "127.0.0.1";
        }
        Matcher example = Pattern.compile("`([a-z]+://[^`]+|[0-9.]+)`").matcher(description);
        assertThat(example.find()).as("an example in: " + description).isTrue();
        return example.group(1);
    }

    @Test
    void anEnvironmentVariableBeatsASystemPropertyWhichBeatsTheDefault() {
        Properties properties = new Properties();
        properties.setProperty("chat.max.text", "100");
        properties.setProperty("chat.history", "5");
        properties.setProperty("chat.port", "9000");
        ChatConfig config = ChatConfig.from(Map.of("CHAT_MAX_TEXT", "300", "PORT", " 0 "), properties);
        assertThat(config.maxText()).isEqualTo(300);
        assertThat(config.history()).isEqualTo(5);
        assertThat(config.port()).isZero();
        assertThat(config.idleSeconds()).isEqualTo(90);
    }

    @Test
    void allowedOriginsAreAListWithoutTrailingSlashes() {
        ChatConfig config = ChatConfig.from(
                Map.of("CHAT_ALLOWED_ORIGINS", " https://A.example/ , http://b.example:8080,,"), new Properties());
        assertThat(config.allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "http://b.example:8080");
    }

    @Test
    void thePublicOriginIsTrustedBesideTheListedOnes() {
        ChatConfig config = ChatConfig.from(Map.of("CHAT_PUBLIC_ORIGIN", "https://Chat.example.com/",
                "CHAT_ALLOWED_ORIGINS", "https://a.example", "CHAT_TRUSTED_PROXIES", "10.0.0.2, 10.0.0.3"), new Properties());
        assertThat(config.publicOrigin()).isEqualTo("https://chat.example.com");
        assertThat(config.trustedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://chat.example.com");
        assertThat(config.trustedProxies().entries()).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_PUBLIC_ORIGIN", "chat.example.com"), new Properties()))
                .hasMessageContaining("CHAT_PUBLIC_ORIGIN");
        for (String proxy : new String[] {"proxy.example", "10.0.0.0/33", "10.0.0.1/x", "::1/129"}) {
            assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_TRUSTED_PROXIES", proxy), new Properties()))
                    .hasMessageContaining("CHAT_TRUSTED_PROXIES").hasMessageContaining(proxy);
        }
    }

    @Test
    void propertyNamesFollowTheEnvironmentNames() {
        assertThat(Settings.propertyName("CHAT_SEND_QUEUE_BYTES")).isEqualTo("chat.send.queue.bytes");
        assertThat(Settings.propertyName("PORT")).isEqualTo("chat.port");
    }

    @Test
    void badValuesStopStartUpWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_HISTORY", "many"), new Properties()))
                .hasMessageContaining("CHAT_HISTORY");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_IDLE_SECONDS", "10", "CHAT_PING_SECONDS", "30"), new Properties()))
                .hasMessageContaining("CHAT_IDLE_SECONDS");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_MAX_TEXT", "0"), new Properties()))
                .hasMessageContaining("CHAT_MAX_TEXT");
    }

    @Test
    void aRedisUrlNamesOneRedisItsSentinelsAndTheirPrimaryOrAClustersNodesAndIsNeverQuoted() {
        for (String url : List.of("redis://:secret@redis:6379", "rediss://redis:6380/2",
                "redis-sentinel://:secret@s1:26379,s2:26379/1#mymaster", "rediss-sentinel://s1#primary",
                "redis-cluster://:secret@n1:6379,n2:6379", "rediss-cluster://user:secret@n1:6380")) {
            assertThat(ChatConfig.from(Map.of("CHAT_REDIS_URL", url), new Properties()).clustered()).as(url).isTrue();
        }
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_REDIS_URL", "http://:secret@redis"), new Properties()))
                .hasMessageContaining("CHAT_REDIS_URL").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_REDIS_URL", "redis-sentinel://:secret@s1:26379"), new Properties()))
                .hasMessageContaining("must name the primary").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("CHAT_REDIS_URL", "redis-cluster://:secret@"), new Properties()))
                .hasMessageContaining("at least one of its nodes").hasMessageNotContaining("secret");
    }
}
