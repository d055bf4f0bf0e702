package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of {@code GET /metrics}: every sample by its series, {@code name{labels}} as written. */
public record Scrape(Map<String, Double> samples) {

    private static final Pattern LEAVES = Pattern.compile("chat_leaves_total\\{cause=\"([a-z_]+)\"}");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** @param application the application root, ending in {@code /} */
    public static Scrape of(URI application) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(application.resolve("metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET /metrics failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return parse(response.body());
    }

    /** Reads the Prometheus text format, as {@code /metrics} serves it. */
    public static Scrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new Scrape(samples);
    }

    /** The sample's value; fails the test if the series is missing. */
    public double value(String series) {
        assertThat(samples).as("series " + series).containsKey(series);
        return samples.get(series);
    }

    /** Connections that ended since an earlier scrape, by their cause as logged ({@code reset}, {@code too_big} ...); causes with none are left out. */
    public Map<String, Integer> leavesSince(Scrape earlier) {
        Map<String, Integer> byCause = new TreeMap<>();
        samples.forEach((series, value) -> {
            Matcher leave = LEAVES.matcher(series);
            if (leave.matches()) {
                int grown = (int) (value - earlier.samples.getOrDefault(series, 0.0));
                if (grown != 0) {
                    byCause.put(leave.group(1), grown);
                }
            }
        });
        return byCause;
    }

    /**
     * Scrapes until {@code count} more connections than at {@code earlier} have ended, or the
     * wait is over, and returns the leaves since then by cause: for a test to assert exactly.
     */
    public static Map<String, Integer> awaitLeaves(URI application, Scrape earlier, int count) throws InterruptedException {
        long deadline = System.nanoTime() + ChatClient.WAIT.toNanos();
        Map<String, Integer> leaves = of(application).leavesSince(earlier);
        while (leaves.values().stream().mapToInt(Integer::intValue).sum() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            leaves = of(application).leavesSince(earlier);
        }
        return leaves;
    }

    /** How much the series grew since an earlier scrape. */
    public double since(Scrape earlier, String series) {
        return value(series) - earlier.value(series);
    }
}
