package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.browser.ChatPage.ChatLine;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RedisServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every browser scenario across two instances joined through Redis: pages open on the first and
 * the second instance in turn, so the people in each scenario are on different servers.
 */
class ClusterBrowserIT extends BrowserScenarios {

    private static RedisServer redis;
    private static ChatServer first;
    private static ChatServer second;
    private int opened;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start();
        first = instance();
        second = instance();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private static ChatServer instance() throws Exception {
        return LocalServer.start(Map.of("chat.redis.url", redis.url()));
    }

    @Override
    protected URI applicationUri() {
        return uri(first);
    }

    @Override
    protected URI pageUri() {
        return uri(opened++ % 2 == 0 ? first : second);
    }

    @Test
    void twoPagesOnTwoInstancesChatWithEachOther() {
        ChatPage onFirst = page("ko-KR", DESKTOP).open(uri(first));
        ChatPage onSecond = page("ko-KR", DESKTOP).open(uri(second));
        onFirst.awaitNotice("새로운 유저 접속 [현재: 2명]");
        onFirst.typeName("철수");
        onFirst.typeMessage("첫 번째 서버에서");
        onFirst.pressEnter();
        onSecond.awaitChats(1);
        onSecond.typeName("영희");
        onSecond.typeMessage("두 번째 서버에서");
        onSecond.pressEnter();

        assertThat(onFirst.awaitChats(2).chats()).containsExactly(
                new ChatLine("철수", "첫 번째 서버에서", true), new ChatLine("영희", "두 번째 서버에서", false));
        assertThat(onSecond.awaitChats(2).chats()).containsExactly(
                new ChatLine("철수", "첫 번째 서버에서", false), new ChatLine("영희", "두 번째 서버에서", true));
        assertThat(onSecond.onlineCount()).isEqualTo(2);
    }

    private static URI uri(ChatServer server) {
        return LocalServer.root(server);
    }
}
