package dev.websocketchat.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.TrustedProxies;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressTest {

    private static final TrustedProxies PROXIES = new TrustedProxies(Set.of("10.0.0.2", "10.0.0.3", "172.28.0.0/16", "fd00::/8"));

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For {1} -> {2}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "203.0.113.9 | -                          | 203.0.113.9",
            "203.0.113.9 | 1.2.3.4                    | 203.0.113.9",
            "10.0.0.2    | -                          | 10.0.0.2",
            "10.0.0.2    | 198.51.100.7               | 198.51.100.7",
            "10.0.0.2    | 6.6.6.6, 198.51.100.7      | 198.51.100.7",
            "10.0.0.2    | 198.51.100.7, 10.0.0.3     | 198.51.100.7",
            "10.0.0.2    | 2001:db8::1                | 2001:db8::1",
            "10.0.0.2    | 10.0.0.3                   | 10.0.0.2",
            "10.0.0.2    | evil name                  | 10.0.0.2",
            "10.0.0.2    | unknown                    | 10.0.0.2",
            "172.28.4.5  | 198.51.100.7               | 198.51.100.7",
            "172.29.4.5  | 198.51.100.7               | 172.29.4.5",
            "fd00::17    | 198.51.100.7, 172.28.0.9   | 198.51.100.7",
            "fe80::17    | 198.51.100.7               | fe80::17",
    })
    void aForwardedAddressIsBelievedOnlyFromATrustedProxy(String peer, String forwardedFor, String client) {
        assertThat(ClientAddress.of(peer, forwardedFor, PROXIES)).isEqualTo(client);
    }
}
