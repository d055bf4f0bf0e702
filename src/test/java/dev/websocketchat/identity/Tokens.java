package dev.websocketchat.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.websocketchat.support.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * What the identity tests sign tokens with, as an application (HS256, a shared secret) and an
 * OpenID provider (RS256 and ES256, whose public keys a loopback HTTP server publishes as a JWKS,
 * counting its fetches) would: real keys, real signatures, nothing mocked.
 */
public final class Tokens implements AutoCloseable {

    public static final String SECRET = "a-secret-of-at-least-32-bytes-for-hs256!";
    public static final String ISSUER = "https://sso.test/realms/chat";
    public static final String AUDIENCE = "chat";

    private final RSAKey rsa;
    private final ECKey ec;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer jwks;

    public Tokens() {
        try {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            published.add(rsa.toPublicJWK());
            published.add(ec.toPublicJWK());
            jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException(e);
        }
        jwks.createContext("/certs", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(List.copyOf(published)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
    }

    /** Where the provider's JWKS is. */
    public String jwksUrl() {
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs";
    }

    /** How many times the JWKS was fetched. */
    public int fetches() {
        return fetches.get();
    }

    /** Publishes one more key, as a provider rotating its keys does. */
    public void publish(JWK key) {
        published.add(key.toPublicJWK());
    }

    public RSAKey rsa() {
        return rsa;
    }

    /** The claims of a user's token valid for five minutes, from the configured issuer, for the configured audience. */
    public static JWTClaimsSet.Builder claims(String user, String name) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(user).claim("name", name).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    /** A five-minute HS256 token of the user under the name. */
    public static String token(String user, String name) {
        return hs256(claims(user, name).build());
    }

    /** Opens a connection to the URI and sends the token as its first frame, before reading anything. */
    public static RawWebSocket enter(java.net.URI uri, String token) throws IOException {
        RawWebSocket raw = RawWebSocket.open(uri);
        raw.sendText(authFrame(token));
        return raw;
    }

    /** The frame that proves who a connection is. */
    public static String authFrame(String token) {
        return "{\"type\":\"auth\",\"token\":\"" + token + "\"}";
    }

    public static String hs256(JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims, macSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    public String rs256(JWTClaimsSet claims) {
        return rs256(claims, rsa);
    }

    public static String rs256(JWTClaimsSet claims, RSAKey key) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims, new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String es256(JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims, new ECDSASigner(ec));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token of these claims under a header of one's own, with the signature given (base64url), as an attacker would write it. */
    public static String withHeader(String headerJson, JWTClaimsSet claims, String signature) {
        return base64(headerJson) + "." + base64(claims.toString()) + "." + signature;
    }

    public static String base64(String json) {
        return com.nimbusds.jose.util.Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static JWSSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A fresh RSA key of the provider's kind that it has not published. */
    public static RSAKey anotherRsaKey(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes the claims of a valid token's builder. */
    public static JWTClaimsSet with(JWTClaimsSet.Builder claims, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(claims).build();
    }

    @Override
    public void close() {
        jwks.stop(0);
    }
}
