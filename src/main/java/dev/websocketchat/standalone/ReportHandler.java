package dev.websocketchat.standalone;

import dev.websocketchat.http.SecurityHeaders;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** A report made fresh for every request, never cached: {@code /health} and {@code /metrics}. */
final class ReportHandler extends HttpHandler {

    private final String contentType;
    private final Supplier<String> report;

    ReportHandler(String contentType, Supplier<String> report) {
        this.contentType = contentType;
        this.report = report;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        SecurityHeaders.apply(response::setHeader);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(report.get());
    }
}
