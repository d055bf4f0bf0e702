package dev.websocketchat.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.websocketchat.identity.Gate;
import dev.websocketchat.room.Meters;
import dev.websocketchat.room.Rooms;
import java.io.UncheckedIOException;

/**
 * What {@code GET /health}, {@code GET /metrics} and {@code GET /rooms} answer, in the WAR and the standalone server
 * alike: made fresh for every request and never cached, since a count is stale once read.
 */
public enum Report {

    /** See {@link Health}. */
    HEALTH("/health", "application/json") {
        @Override
        public String body(Rooms rooms) {
            return Health.of(rooms);
        }
    },

    /** The meters, in the Prometheus text format. */
    METRICS("/metrics", Meters.CONTENT_TYPE) {
        @Override
        public String body(Rooms rooms) {
            return rooms.metrics().scrape();
        }
    },

    /**
     * {@code {"auth":"off","tokenUrl":""}}: what the page needs to know before it connects: whether
     * to prove who its user is ({@code CHAT_AUTH}), and where it gets a token ({@code CHAT_TOKEN_URL}).
     */
    CLIENT("/client.json", "application/json") {
        @Override
        public String body(Rooms rooms) {
            try {
                return JSON.writeValueAsString(java.util.Map.of("auth", rooms.config().auth(), "tokenUrl", rooms.config().tokenUrl()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    },

    /** {@code [{"room":"lobby","online":N}, ...]}: the rooms with anyone in them, by name; never a private one or a direct conversation. */
    ROOMS("/rooms", "application/json") {
        @Override
        public String body(Rooms rooms) {
            try {
                return JSON.writeValueAsString(rooms.occupied().stream()
                        .filter(occupancy -> !Gate.isPrivate(rooms.config(), occupancy.room()) && !Rooms.isDirect(occupancy.room()))
                        .toList());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every report's Cache-Control. */
    public static final String CACHE_CONTROL = "no-store";

    private final String path;
    private final String contentType;

    Report(String path, String contentType) {
        this.path = path;
        this.contentType = contentType;
    }

    /** Where it is served, relative to the application's root. */
    public String path() {
        return path;
    }

    /** The report served at the path, or null. */
    public static Report at(String path) {
        for (Report report : values()) {
            if (report.path.equals(path)) {
                return report;
            }
        }
        return null;
    }

    /** The response's Content-Type, UTF-8. */
    public String contentType() {
        return contentType + ";charset=UTF-8";
    }

    /** The report as it stands now. */
    public abstract String body(Rooms rooms);
}
