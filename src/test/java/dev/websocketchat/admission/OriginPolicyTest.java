package dev.websocketchat.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginPolicyTest {

    private final OriginPolicy policy = new OriginPolicy(Set.of("https://friends.example.org"));

    @ParameterizedTest(name = "Origin {0}, Host {1}, scheme {2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "-,                            localhost:8000,   ws,  true",
            "http://localhost:8000,        localhost:8000,   ws,  true",
            "HTTP://LocalHost:8000,        localhost:8000,   ws,  true",
            "http://localhost,             localhost:80,     ws,  true",
            "http://localhost:80,          localhost,        -,   true",
            "https://chat.example.com,     chat.example.com, wss, true",
            "https://chat.example.com:443, chat.example.com, -,   true",
            "http://[::1]:8000,            [::1]:8000,       ws,  true",
            "https://friends.example.org,  localhost:8000,   ws,  true",
            "https://friends.example.org/, localhost:8000,   ws,  false",
            "http://localhost:8001,        localhost:8000,   ws,  false",
            "http://127.0.0.1:8000,        localhost:8000,   ws,  false",
            "https://localhost:8000,       localhost:8000,   ws,  false",
            "http://chat.example.com,      chat.example.com, wss, false",
            "http://evil.example,          localhost:8000,   ws,  false",
            "null,                         localhost:8000,   ws,  false",
            "file://,                      localhost:8000,   ws,  false",
            "http://localhost:8000,        -,                ws,  false",
            "not a uri,                    localhost:8000,   ws,  false",
    })
    void allowsOnlyTheServersOwnOriginAndListedOnes(String origin, String host, String scheme, boolean allowed) {
        assertThat(policy.allows(origin, host, scheme)).isEqualTo(allowed);
    }
}
