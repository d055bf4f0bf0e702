package dev.websocketchat.standalone;

import dev.websocketchat.http.Report;
import dev.websocketchat.http.SecurityHeaders;
import dev.websocketchat.room.Rooms;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** One {@link Report}, such as {@code /health}, on the standalone server: GET and HEAD only, as the WAR's servlet. */
final class ReportHandler extends HttpHandler {

    private final Report report;
    private final Rooms rooms;

    ReportHandler(Report report, Rooms rooms) {
        this.report = report;
        this.rooms = rooms;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        SecurityHeaders.apply(response::setHeader);
        if (!Method.GET.equals(request.getMethod()) && !Method.HEAD.equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(405);
            return;
        }
        response.setContentType(report.contentType());
        response.setHeader("Cache-Control", Report.CACHE_CONTROL);
        response.getWriter().write(report.body(rooms));
    }
}
