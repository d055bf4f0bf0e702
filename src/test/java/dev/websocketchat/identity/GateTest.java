package dev.websocketchat.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.websocketchat.config.ChatConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens as an attacker would send them, against the gate's verifier with real keys (see {@link Tokens}). */
class GateTest {

    private final Tokens tokens = new Tokens();
    private final Gate gate = Gate.of(ChatConfig.builder().auth("required").jwtSecret(Tokens.SECRET).jwtJwksUrl(tokens.jwksUrl())
            .jwtIssuer(Tokens.ISSUER).jwtAudience(Tokens.AUDIENCE).privateRooms(Set.of("staff", "team-*")).build());

    @AfterEach
    void stopJwks() {
        tokens.close();
    }

    @Test
    void aValidTokenOfEachAlgorithmProvesItsUser() throws AuthFailure {
        JWTClaimsSet claims = Tokens.with(Tokens.claims("u-1", "영희"), c -> c.claim("rooms", List.of("staff")).claim("roles", List.of("moderator")));
        for (String token : List.of(Tokens.hs256(claims), tokens.rs256(claims), tokens.es256(claims))) {
            Identity identity = gate.verify(token);
            assertThat(identity.user()).isEqualTo("u-1");
            assertThat(identity.name()).isEqualTo("영희");
            assertThat(identity.rooms()).containsExactly("staff");
            assertThat(identity.moderator()).isTrue();
            assertThat(identity.expires()).isEqualTo(claims.getExpirationTime().toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
    }

    @Test
    void theNameFallsBackToPreferredUsernameThenSubAndKeycloaksRealmRolesCount() throws AuthFailure {
        JWTClaimsSet keycloak = Tokens.with(Tokens.claims("u-2", null), c -> c.claim("name", null).claim("preferred_username", "bob")
                .claim("realm_access", Map.of("roles", List.of("moderator", "offline_access"))));
        assertThat(gate.verify(Tokens.hs256(keycloak))).satisfies(identity -> {
            assertThat(identity.name()).isEqualTo("bob");
            assertThat(identity.moderator()).isTrue();
        });
        assertThat(gate.verify(Tokens.hs256(Tokens.with(Tokens.claims("carol-id", null), c -> c.claim("name", null)))).name())
                .isEqualTo("carol-id");
        String notShown = "\u202Eevil\u202C" + "x".repeat(40); // cut to 32 characters, then cleaned as a typed name is
        assertThat(gate.verify(Tokens.hs256(Tokens.claims("u-3", notShown).build())).name()).isEqualTo("evil" + "x".repeat(26));
    }

    @Test
    void algNoneIsRefused() {
        JWTClaimsSet claims = Tokens.claims("u-1", "mallory").build();
        assertRefused(Tokens.withHeader("{\"alg\":\"none\"}", claims, ""), AuthFailure.Reason.MALFORMED);
        assertRefused(Tokens.withHeader("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, "c2lnbmF0dXJl"), AuthFailure.Reason.MALFORMED);
    }

    @Test
    void anHs256TokenSignedWithTheProvidersPublicKeyIsRefused() {
        byte[] publicKey = tokens.rsa().toPublicJWK().toRSAKey().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String confused = Tokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                Tokens.claims("u-1", "mallory").build(), Tokens.macSigner(publicKey));
        assertRefused(confused, AuthFailure.Reason.SIGNATURE);
        Gate jwksOnly = Gate.of(ChatConfig.builder().auth("required").jwtJwksUrl(tokens.jwksUrl()).build());
        assertThatThrownBy(() -> jwksOnly.verify(Tokens.hs256(Tokens.claims("u-1", "mallory").build())))
                .isInstanceOf(AuthFailure.class).extracting(e -> ((AuthFailure) e).reason()).isEqualTo(AuthFailure.Reason.SIGNATURE);
    }

    @Test
    void aForgedSignatureIsRefused() {
        String token = Tokens.hs256(Tokens.claims("u-1", "영희").build());
        String[] parts = token.split("\\.");
        String otherUser = Tokens.base64(Tokens.claims("admin", "admin").build().toString());
        assertRefused(parts[0] + "." + otherUser + "." + parts[2], AuthFailure.Reason.SIGNATURE);
        assertRefused(Tokens.rs256(Tokens.claims("u-1", "영희").build(), Tokens.anotherRsaKey("rsa-1")), AuthFailure.Reason.SIGNATURE);
    }

    @Test
    void timeClaimsAreJudgedWithThirtySecondsOfSkew() throws AuthFailure {
        Instant now = Instant.now();
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.expirationTime(Date.from(now.minusSeconds(31))))),
                AuthFailure.Reason.EXPIRED);
        gate.verify(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.expirationTime(Date.from(now.minusSeconds(20))))));
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.expirationTime(null))), AuthFailure.Reason.MALFORMED);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.notBeforeTime(Date.from(now.plusSeconds(60))))),
                AuthFailure.Reason.NOT_YET_VALID);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.issueTime(Date.from(now.plusSeconds(60))))),
                AuthFailure.Reason.NOT_YET_VALID);
        gate.verify(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.notBeforeTime(Date.from(now.plusSeconds(20))))));
    }

    @Test
    void theIssuerAudienceAndSubjectMustBeRight() {
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.issuer("https://evil.test"))), AuthFailure.Reason.ISSUER);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.issuer(null))), AuthFailure.Reason.ISSUER);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.audience("another-app"))), AuthFailure.Reason.AUDIENCE);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.audience((String) null))), AuthFailure.Reason.AUDIENCE);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.subject(null))), AuthFailure.Reason.MALFORMED);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.subject("a\nb"))), AuthFailure.Reason.MALFORMED);
        assertRefused(Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.claim("rooms", "staff"))), AuthFailure.Reason.MALFORMED);
    }

    @Test
    void garbageAndHugeTokensAreRefusedAsMalformed() {
        assertRefused("", AuthFailure.Reason.MISSING);
        assertRefused(null, AuthFailure.Reason.MISSING);
        assertRefused("not-a-token", AuthFailure.Reason.MALFORMED);
        assertRefused("a.b.c", AuthFailure.Reason.MALFORMED);
        assertRefused("{\"alg\":\"HS256\"}", AuthFailure.Reason.MALFORMED);
        String huge = Tokens.hs256(Tokens.with(Tokens.claims("u", "n"), c -> c.claim("padding", "x".repeat(100 * 1024))));
        assertRefused(huge, AuthFailure.Reason.MALFORMED);
    }

    @Test
    void anUnknownKeyIdFetchesTheKeysAgainOnlyOncePerThirtySeconds() throws AuthFailure {
        gate.verify(tokens.rs256(Tokens.claims("u", "n").build()));
        assertThat(tokens.fetches()).as("fetched once, then cached").isEqualTo(1);
        gate.verify(tokens.es256(Tokens.claims("u", "n").build()));
        assertThat(tokens.fetches()).isEqualTo(1);

        RSAKey rotated = Tokens.anotherRsaKey("rsa-2");
        tokens.publish(rotated);
        assertThat(gate.verify(Tokens.rs256(Tokens.claims("u", "n").build(), rotated)).user()).as("a rotated key is fetched").isEqualTo("u");
        assertThat(tokens.fetches()).isEqualTo(2);

        for (int i = 0; i < 20; i++) {
            assertRefused(Tokens.rs256(Tokens.claims("u", "n").build(), Tokens.anotherRsaKey("unknown-" + i)), AuthFailure.Reason.SIGNATURE);
        }
        assertThat(tokens.fetches()).as("unknown kids within 30 s of the last fetch fetch nothing").isEqualTo(2);
    }

    @Test
    void privateRoomsOpenToTheirUsersAndModeratorsOnly() {
        Identity member = new Identity("u", "n", Set.of("staff", "team-a"), false, null);
        Identity moderator = new Identity("m", "m", Set.of(), true, null);
        Identity other = new Identity("o", "o", Set.of(), false, null);
        assertThat(gate.mayEnter(member, "staff")).isTrue();
        assertThat(gate.mayEnter(member, "team-a")).isTrue();
        assertThat(gate.mayEnter(member, "team-b")).isFalse();
        assertThat(gate.mayEnter(moderator, "team-b")).isTrue();
        assertThat(gate.mayEnter(other, "staff")).isFalse();
        assertThat(gate.mayEnter(null, "staff")).isFalse();
        assertThat(gate.mayEnter(null, "lobby")).isTrue();
        assertThat(gate.mayEnter(null, "teams")).as("team-* is a prefix with the dash").isTrue();
    }

    @Test
    void aShortSecretStopsStartUp() {
        assertThatThrownBy(() -> ChatConfig.builder().auth("required").jwtSecret("too-short").build())
                .hasMessageContaining("at least 32 bytes").hasMessageNotContaining("too-short");
    }

    private void assertRefused(String token, AuthFailure.Reason reason) {
        assertThatThrownBy(() -> gate.verify(token)).isInstanceOf(AuthFailure.class)
                .extracting(e -> ((AuthFailure) e).reason()).isEqualTo(reason);
    }
}
