package dev.websocketchat.war;

import dev.websocketchat.http.Report;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /health}, {@code /metrics}, {@code /rooms} and {@code /client.json} in the WAR: see {@link Report}. */
@WebServlet({"/health", "/metrics", "/rooms", "/client.json"})
public class ReportServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Report report = Report.at(request.getServletPath());
        if (report == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType(report.contentType());
        response.setHeader("Cache-Control", Report.CACHE_CONTROL);
        response.getWriter().write(report.body(ChatApplication.rooms(getServletContext())));
    }
}
