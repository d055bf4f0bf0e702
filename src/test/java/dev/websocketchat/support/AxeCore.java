package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * axe-core, the accessibility rules engine, as the browser tests inject it into the page: its
 * {@code axe.min.js}, taken from the npm registry's package of one pinned version, checked against
 * the registry's SHA-512 of that package, and kept under {@code target/} for later runs. Where the
 * registry cannot be reached, the accessibility tests are skipped, except in CI, where they fail.
 */
public final class AxeCore {

    private static final String VERSION = "4.11.0";
    private static final URI PACKAGE = URI.create("https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz");
    /** The registry's {@code dist.integrity} of that package, in hex. */
    private static final String SHA_512 = "8a561a9c453cbf1c417b1a4977c716338125490ab841cb422ca8a1d1349f8c87"
            + "c24137b21ffeb356b98825f2cfaca4ca2516e21be71f9d96d02230252661758d";
    private static final Path KEPT = Path.of("target", "axe-core", "axe-" + VERSION + ".min.js");

    private AxeCore() {
    }

    /** The script, fetched once; skips the test (fails it in CI) if the registry cannot be reached. */
    public static synchronized String script() throws IOException, InterruptedException {
        if (!Files.exists(KEPT)) {
            byte[] tgz = fetch();
            assertThat(HexFormat.of().formatHex(sha512(tgz))).as("the SHA-512 of " + PACKAGE).isEqualTo(SHA_512);
            Files.createDirectories(KEPT.getParent());
            Path part = Files.createTempFile(KEPT.getParent(), "axe", ".part");
            Files.write(part, entry(tgz, "package/axe.min.js"));
            Files.move(part, KEPT, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return Files.readString(KEPT, StandardCharsets.UTF_8);
    }

    private static byte[] fetch() throws InterruptedException {
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(PACKAGE).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                return response.body();
            }
            return unavailable("HTTP " + response.statusCode());
        } catch (IOException e) {
            return unavailable(e.toString());
        }
    }

    private static byte[] unavailable(String why) {
        String message = "axe-core could not be fetched from " + PACKAGE + " (" + why + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message + ": skipping the accessibility checks");
        return null;
    }

    private static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One file of a gzipped tar: 512-byte headers, each file's bytes padded to 512. */
    private static byte[] entry(byte[] tgz, String name) throws IOException {
        try (InputStream tar = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
            byte[] header = new byte[512];
            while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String entryName = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                byte[] content = tar.readNBytes((int) size);
                tar.skipNBytes((512 - size % 512) % 512);
                if (entryName.equals(name)) {
                    return content;
                }
            }
        }
        throw new IOException(name + " is not in " + PACKAGE);
    }
}
