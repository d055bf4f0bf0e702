package dev.websocketchat.standalone;

import dev.websocketchat.http.SecurityHeaders;
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
        return super.handle(resourcePath, request, response);
    }
}
