package dev.websocketchat.running;

import dev.websocketchat.support.ChatProtocolContract;
import java.net.URI;

/**
 * The protocol contract against a server that is already running somewhere, such as the Docker
 * image that {@code scripts/docker-check.sh} starts: {@code ./mvnw verify -Prunning-server
 * -Dchat.url=http://127.0.0.1:8000/}. The server must run with the contract's test settings
 * ({@code CHAT_ALLOWED_ORIGINS}, {@code CHAT_PING_SECONDS}, {@code CHAT_IDLE_SECONDS}).
 */
class RunningServerCheck extends ChatProtocolContract {

    @Override
    protected URI applicationUri() {
        String url = System.getProperty("chat.url");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("say where the server is: -Dchat.url=http://host:port/");
        }
        return URI.create(url.endsWith("/") ? url : url + "/");
    }
}
