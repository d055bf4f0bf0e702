package dev.websocketchat.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks a JWT's signature and claims with Nimbus JOSE+JWT: HS256 with a shared secret, and RS256
 * or ES256 with the keys of an OpenID provider's JWKS, each only if configured. The algorithm
 * comes from the configuration, not the token: a token whose header names another algorithm,
 * {@code none} included, finds no key, so an HS256 token signed with an RSA public key is refused
 * like any bad signature. The JWKS is cached for five minutes and fetched again for a {@code kid}
 * it lacks at most once per 30 s, each fetch bounded to 2 s and 256 KiB.
 *
 * <p>Then the claims: {@code exp} is required, and it, {@code nbf} and {@code iat} are judged with
 * 30 s of clock skew; {@code iss} and {@code aud} must match when configured; {@code sub} is
 * required. Signature first, so no claim of an unsigned or forged token is ever looked at.
 */
final class TokenVerifier {

    /** Longer than any token a provider issues (Keycloak's are 1 to 3 KiB), and short enough to parse at once. */
    static final int MAX_TOKEN_CHARS = 8 * 1024;
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final long JWKS_TTL_MILLIS = Duration.ofMinutes(5).toMillis();
    private static final long JWKS_REFRESH_TIMEOUT_MILLIS = Duration.ofSeconds(2).toMillis();
    private static final long JWKS_MIN_INTERVAL_MILLIS = Duration.ofSeconds(30).toMillis();
    private static final int JWKS_TIMEOUT_MILLIS = 2_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String issuer;
    private final String audience;
    private final Clock clock;

    /**
     * @param secret  the HS256 secret, at least 32 bytes of UTF-8; empty for none
     * @param jwksUrl the provider's JWKS; empty for none
     * @param issuer  the {@code iss} required; empty for any
     * @param audience the {@code aud} required; empty for any
     */
    TokenVerifier(String secret, String jwksUrl, String issuer, String audience, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        JWSKeySelector<SecurityContext> hmac = secret.isEmpty() ? null
                : new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8)));
        JWSKeySelector<SecurityContext> jwks = jwksUrl.isEmpty() ? null
                : new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), jwks(jwksUrl));
        processor.setJWSKeySelector((header, context) -> {
            JWSKeySelector<SecurityContext> selector = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmac : jwks;
            return selector == null ? List.of() : selector.selectJWSKeys(header, context);
        });
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // judged by claims() below, each with its own reason
    }

    private static JWKSource<SecurityContext> jwks(String url) {
        try {
            return JWKSourceBuilder.create(URI.create(url).toURL(),
                            new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                    .cache(JWKS_TTL_MILLIS, JWKS_REFRESH_TIMEOUT_MILLIS)
                    .rateLimited(JWKS_MIN_INTERVAL_MILLIS)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("CHAT_JWT_JWKS_URL must be an http or https URL", e);
        }
    }

    /** The verified claims of a token, or why it is refused. */
    JWTClaimsSet verify(String token) throws AuthFailure {
        if (token == null || token.isBlank()) {
            throw new AuthFailure(AuthFailure.Reason.MISSING);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthFailure(AuthFailure.Reason.MALFORMED);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(SignedJWT.parse(token), null);
        } catch (ParseException | IllegalArgumentException notAJwsJwt) {
            throw new AuthFailure(AuthFailure.Reason.MALFORMED);
        } catch (RemoteKeySourceException keysUnreachable) {
            throw new AuthFailure(AuthFailure.Reason.KEYS_UNAVAILABLE);
        } catch (BadJOSEException | JOSEException badSignatureOrNoKey) {
            throw new AuthFailure(AuthFailure.Reason.SIGNATURE);
        }
        judge(claims);
        return claims;
    }

    private void judge(JWTClaimsSet claims) throws AuthFailure {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new AuthFailure(AuthFailure.Reason.MALFORMED);
        }
        if (now.isAfter(exp.toInstant().plus(CLOCK_SKEW))) {
            throw new AuthFailure(AuthFailure.Reason.EXPIRED);
        }
        Instant early = now.plus(CLOCK_SKEW);
        if (claims.getNotBeforeTime() != null && early.isBefore(claims.getNotBeforeTime().toInstant())
                || claims.getIssueTime() != null && early.isBefore(claims.getIssueTime().toInstant())) {
            throw new AuthFailure(AuthFailure.Reason.NOT_YET_VALID);
        }
        if (!issuer.isEmpty() && !issuer.equals(claims.getIssuer())) {
            throw new AuthFailure(AuthFailure.Reason.ISSUER);
        }
        if (!audience.isEmpty() && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new AuthFailure(AuthFailure.Reason.AUDIENCE);
        }
    }
}
