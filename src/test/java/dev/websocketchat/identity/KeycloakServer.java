package dev.websocketchat.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.websocketchat.protocol.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Keycloak for the identity tests of the {@code keycloak} profile, which unpacks
 * {@code org.keycloak:keycloak-quarkus-dist} and names its home ({@code keycloak.home}), a JDK new
 * enough to run it ({@code keycloak.java.home}: Keycloak 26 needs Java 21, the project stays on 17)
 * and a free port ({@code keycloak.http.port}). Started once for the JVM in development mode on
 * loopback, with the realm {@code chat} imported from {@code src/test/resources/keycloak}: a public
 * client {@code chat} with the password grant, whose tokens name the audience {@code chat} and carry
 * a {@code rooms} claim from a user attribute; users {@code alice} (who may enter {@code staff}),
 * {@code bob} and {@code mod} (the realm role {@code moderator}). Stopped when the JVM ends; it
 * logs to {@code target/keycloak.log}.
 */
public final class KeycloakServer {

    /** Keycloak starts in seconds on an idle machine, in minutes on a busy one (a whole CI run beside it). */
    private static final Duration START = Duration.ofSeconds(300);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KeycloakServer shared;

    private final int port;
    private final Process process;

    private KeycloakServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The one Keycloak of this JVM, started on first use; the test is skipped outside the keycloak profile. */
    public static synchronized KeycloakServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            String home = System.getProperty("keycloak.home", "");
            Assumptions.assumeTrue(!home.isEmpty() && Files.isDirectory(Path.of(home)), "no Keycloak: run ./mvnw verify -Pkeycloak");
            shared = start(Path.of(home), Path.of(System.getProperty("keycloak.java.home")),
                    Integer.parseInt(System.getProperty("keycloak.http.port")));
        }
        return shared;
    }

    private static KeycloakServer start(Path home, Path javaHome, int port) throws IOException, InterruptedException {
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Files.copy(Path.of("src/test/resources/keycloak/chat-realm.json"), imports.resolve("chat-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-host=127.0.0.1",
                "--http-port=" + port, "--import-realm", "--hostname-strict=false")
                .redirectErrorStream(true).redirectOutput(Path.of("target/keycloak.log").toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-password");
        KeycloakServer server = new KeycloakServer(port, builder.start());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        long deadline = System.nanoTime() + START.toNanos();
        while (!server.answers()) {
            assertThat(server.process.isAlive()).as("Keycloak is running (target/keycloak.log)").isTrue();
            assertThat(System.nanoTime()).as("Keycloak answered within " + START + " (target/keycloak.log)").isLessThan(deadline);
            Thread.sleep(500);
        }
        return server;
    }

    private boolean answers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The realm's issuer, which its tokens carry as {@code iss}. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/chat";
    }

    /** The realm's published keys. */
    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** The settings that make a chat server take this realm's tokens, as {@code chat.*} properties. */
    public java.util.Map<String, String> chatSettings() {
        return java.util.Map.of("chat.auth", "required", "chat.jwt.jwks.url", jwksUrl(), "chat.jwt.issuer", issuer(),
                "chat.jwt.audience", "chat", "chat.private.rooms", "staff");
    }

    /** A user's access token, by the password grant, as a script or a native app would get one. */
    public String token(String user, String password) throws IOException, InterruptedException {
        String form = String.join("&", List.of("grant_type=password", "client_id=chat", "username=" + encode(user),
                "password=" + encode(password)));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("a token for " + user).isEqualTo(200);
        JsonNode body = EventCodec.mapper().readTree(response.body());
        return body.get("access_token").textValue();
    }

    /** The {@code sub} a token of the realm names, as the chat's events carry it in {@code user}. */
    public static String subjectOf(String token) throws IOException {
        return EventCodec.mapper().readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("sub").textValue();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }
}
