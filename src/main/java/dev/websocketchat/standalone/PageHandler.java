package dev.websocketchat.standalone;

import dev.websocketchat.http.SecurityHeaders;
import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.MimeType;

/**
 * Serves the page from {@code /webapp/} on the class path with the {@link SecurityHeaders},
 * declaring UTF-8 for text files, which the Korean labels need. (Grizzly 4.0.2 drops the content type altogether when a plain-HTTP
 * request asks to upgrade to h2c, as the JDK's HTTP client does by default; browsers never do.)
 */
final class PageHandler extends CLStaticHttpHandler {

    PageHandler() {
        super(PageHandler.class.getClassLoader(), "/webapp/");
        // Grizzly's file cache answers repeated requests without calling handle(), with only the
        // headers it cached: every response after the first would lose the ones set here.
        setFileCacheEnabled(false);
    }

    @Override
    protected boolean handle(String resourcePath, Request request, Response response) throws Exception {
        SecurityHeaders.apply(response::setHeader);
        String file = resourcePath.endsWith("/") ? resourcePath + "index.html" : resourcePath;
        String type = MimeType.getByFilename(file);
        if (type != null) {
            response.setContentType(type.startsWith("text/") ? type + ";charset=utf-8" : type);
        }
        if (Method.HEAD.equals(request.getMethod())) {
            return head(file, response); // Grizzly's handler answers only GET, HEAD gets 405
        }
        return super.handle(resourcePath, request, response);
    }

    /** The headers a GET of the file would get, without the body (which Grizzly leaves out for HEAD). */
    private static boolean head(String file, Response response) throws IOException {
        if (file.contains("..")) {
            return false;
        }
        URL resource = PageHandler.class.getClassLoader().getResource("webapp" + file);
        if (resource == null) {
            return false;
        }
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        response.setContentLengthLong(connection.getContentLengthLong());
        connection.getInputStream().close();
        response.setStatus(200);
        return true;
    }
}
