package dev.websocketchat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ChatConfig config = ChatConfig.from(Map.of(), new Properties());
        assertThat(config).isEqualTo(new ChatConfig(8000, "0.0.0.0", Set.of(), 50, 2000, 65536, 1048576, 30, 90, 10, 20, 10000, "", "", 100, TrustedProxies.NONE, true));
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
        assertThat(ChatConfig.propertyName("CHAT_SEND_QUEUE_BYTES")).isEqualTo("chat.send.queue.bytes");
        assertThat(ChatConfig.propertyName("PORT")).isEqualTo("chat.port");
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
}
