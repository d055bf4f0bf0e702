package dev.websocketchat.war;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The WAR's one error page ({@code WEB-INF/web.xml}), for every status and exception: the status
 * and its phrase as plain text, as the standalone server answers, instead of the container's own
 * page, which names the container and its version (Tomcat's) or shows a stack trace. Reached
 * directly, it is a 404 like any other missing page.
 */
@WebServlet("/error")
public class ErrorPageServlet extends HttpServlet {

    private static final Map<Integer, String> PHRASES = Map.of(400, "Bad Request", 403, "Forbidden", 404, "Not Found",
            405, "Method Not Allowed", 426, "Upgrade Required", 429, "Too Many Requests", 500, "Internal Server Error",
            503, "Service Unavailable");

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer given ? given : HttpServletResponse.SC_NOT_FOUND;
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        if (!"HEAD".equals(request.getMethod())) {
            response.getWriter().write(status + " " + PHRASES.getOrDefault(status, "Error") + "\n");
        }
    }
}
