package dev.websocketchat.http;

import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.room.Meters;

/**
 * What {@code GET /health} and {@code GET /metrics} answer, in the WAR and the standalone server
 * alike: made fresh for every request and never cached, since a count is stale once read.
 */
public enum Report {

    /** See {@link Health}. */
    HEALTH("/health", "application/json") {
        @Override
        public String body(ChatRoom room) {
            return Health.of(room);
        }
    },

    /** The room's meters, in the Prometheus text format. */
    METRICS("/metrics", Meters.CONTENT_TYPE) {
        @Override
        public String body(ChatRoom room) {
            return room.metrics().scrape();
        }
    };

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
    public abstract String body(ChatRoom room);
}
