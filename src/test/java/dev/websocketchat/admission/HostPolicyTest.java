package dev.websocketchat.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPolicyTest {

    private final HostPolicy policy = new HostPolicy(Set.of("https://chat.example.com", "http://friends.example.org:8080"));

    @ParameterizedTest(name = "Host {0} -> {1}")
    @CsvSource(nullValues = "-", value = {
            "localhost:8000,           true",
            "LOCALHOST,                true",
            "app.localhost:8000,       true",
            "127.0.0.1:8000,           true",
            "10.1.2.3,                 true",
            "[::1]:8000,               true",
            "[fe80::1%eth0]:8000,      true",
            "chat.example.com,         true",
            "Chat.Example.Com.:443,    true",
            "friends.example.org:9999, true",
            "evil.example:8000,        false",
            "localhost.evil.example,   false",
            "chat.example.com.evil,    false",
            "127.0.0.1.evil.example,   false",
            "'',                       false",
            "-,                        false",
    })
    void answersOnlyToLoopbackIpLiteralsItsOwnNameAndTrustedOrigins(String host, boolean answered) {
        assertThat(policy.answersTo(host)).isEqualTo(answered);
    }

    @Test
    void theMachinesOwnNameIsAnswered() throws Exception {
        assertThat(policy.answersTo(InetAddress.getLocalHost().getHostName() + ":8000")).isTrue();
    }
}
