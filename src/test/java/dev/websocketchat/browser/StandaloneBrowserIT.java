package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.browser.ChatPage.ChatLine;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser scenarios against the standalone server, plus what only a restartable server
 * allows, plus what the page does by itself (the same files in every deployment): escaping,
 * languages, fonts, what it remembers.
 */
class StandaloneBrowserIT extends BrowserScenarios {

    @RegisterExtension
    static final LocalBrowserServer SERVER = new LocalBrowserServer();

    @Override
    protected URI applicationUri() {
        return SERVER.root();
    }

    @Test
    void pagesSurviveAServerRestartAndChatAgainWithoutReloading() throws Exception {
        ChatPage alice = openPage();
        ChatPage bob = openPage();
        alice.typeMessage("재시작 전");
        alice.pressEnter();
        bob.awaitChats(1);

        SERVER.stop();
        for (ChatPage page : List.of(alice, bob)) {
            page.awaitState("reconnecting");
            assertThat(page.statusText()).startsWith("재연결 중…");
            assertThat(page.canSend()).as("a chat typed now waits in the outbox").isTrue();
        }
        bob.typeMessage("기다리는 중");
        bob.pressEnter();
        assertThat(bob.messageField()).as("the field is free again").isEmpty();
        assertThat(bob.pendingTexts()).as("typed while offline, kept until sent").containsExactly("기다리는 중");

        SERVER.startAgain();
        alice.awaitState("connected");
        bob.awaitState("connected").awaitNothingPending();
        alice.awaitChats(2);
        assertThat(alice.chats()).containsExactly(new ChatLine("익명", "재시작 전", true), new ChatLine("익명", "기다리는 중", false));
        assertThat(bob.chats()).containsExactly(new ChatLine("익명", "재시작 전", false), new ChatLine("익명", "기다리는 중", true));
        assertThat(alice.gapNotices()).as("a new run of the server cannot vouch for the old one's chats")
                .containsExactly("서버가 다시 시작되었습니다. 그 전에 보낸 메시지 중 일부는 표시되지 않았을 수 있습니다");
    }

    // What the page does by itself, the same in every deployment: run here only.

    @Test
    void theHelloButtonSendsHelloUnderTheTypedName() {
        ChatPage clicker = openPage();
        ChatPage reader = openPage();
        assertThat(clicker.helloTooltip()).contains("Hello").contains("서버 로그");
        clicker.clickHello();
        assertThat(reader.awaitChats(1).chats()).containsExactly(new ChatLine("익명", "Hello", false));
        clicker.typeName("철수");
        clicker.clickHello();
        assertThat(reader.awaitChats(2).chats()).endsWith(new ChatLine("철수", "Hello", false));
        assertThat(clicker.awaitChats(2).chats())
                .containsExactly(new ChatLine("익명", "Hello", true), new ChatLine("철수", "Hello", true));
    }

    @Test
    void markupInAMessageIsShownAsTextAndNeverRuns() {
        ChatPage sender = openPage();
        ChatPage reader = openPage();
        String image = "<img src=x onerror=\"document.title='pwned'\">";
        sender.typeMessage(image);
        sender.pressEnter();
        sender.typeMessage("<b>굵게</b> & <script>document.title='pwned'</script>");
        sender.pressEnter();
        for (ChatPage page : List.of(sender, reader)) {
            assertThat(page.awaitChats(2).chats()).extracting(ChatLine::text)
                    .containsExactly(image, "<b>굵게</b> & <script>document.title='pwned'</script>");
            assertThat(page.markupInsideChatTexts()).isZero();
            assertThat(page.title()).isEqualTo("웹소켓 채팅");
        }
    }

    @Test
    void urlsInAChatAreLinksToANewTabAndNothingElseBecomesMarkup() {
        ChatPage sender = openPage();
        ChatPage reader = openPage();
        sender.typeMessage("보세요 https://example.org/a?b=1&c=2, 그리고 javascript:alert(1) <b>굵게</b> (http://example.com/x).");
        sender.pressEnter();
        reader.awaitChats(1);
        assertThat(reader.chats().get(0).text())
                .isEqualTo("보세요 https://example.org/a?b=1&c=2, 그리고 javascript:alert(1) <b>굵게</b> (http://example.com/x).");
        assertThat(reader.linksInLastChat()).containsExactly(
                List.of("a https://example.org/a?b=1&c=2", "noopener noreferrer", "_blank"),
                List.of("a http://example.com/x", "noopener noreferrer", "_blank"));
    }

    @Test
    void chatsThatArriveWhileTheTabIsHiddenAreCountedInItsTitle() throws InterruptedException {
        ChatPage reader = openPage();
        ChatPage talker = openPage();
        reader.hideBehindAnotherTab();
        for (String text : List.of("하나", "둘", "셋")) {
            talker.typeMessage(text);
            talker.pressEnter();
        }
        talker.awaitChats(3);
        long deadline = System.nanoTime() + ChatPage.WAIT.toNanos();
        while (!reader.tabTitle().equals("(3) 웹소켓 채팅") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(reader.tabTitle()).isEqualTo("(3) 웹소켓 채팅");
        assertThat(talker.title()).as("the tab in front counts nothing").isEqualTo("웹소켓 채팅");
    }

    @Test
    void aNameIsAnnouncedOnceWhenCommittedNotForEachPauseInTyping() throws Exception {
        ChatPage typist = openPage();
        ChatPage other = openPage();
        typist.typeNameSlowly("Alice", Duration.ofMillis(700));
        Thread.sleep(500);
        assertThat(other.notices()).as("nothing announced while typing").noneMatch(notice -> notice.contains("이름을"));
        typist.renameTo("Alice");
        other.awaitNotice("익명 님이 이름을 Alice(으)로 바꿨습니다");
        Thread.sleep(500);
        assertThat(other.notices()).filteredOn(notice -> notice.contains("이름을")).containsExactly("익명 님이 이름을 Alice(으)로 바꿨습니다");
    }

    @Test
    void theNameIsRememberedAcrossVisits() {
        ChatPage page = openPage();
        page.typeName("기억해줘");
        page.reload();
        assertThat(page.name()).isEqualTo("기억해줘");
    }

    @Test
    void thePageSpeaksKoreanInEveryBrowserAndEnglishAtTheSwitchWhichItRemembers() {
        ChatPage page = page("en-US", DESKTOP).open(applicationUri());
        assertThat(page.label("name")).isEqualTo("이름");
        assertThat(page.sendButtonText()).isEqualTo("전송");
        page.awaitNotice("새로운 유저 접속 [현재: 1명]");
        assertThat(page.languageButtonText()).isEqualTo("English");

        page.clickLanguage();
        assertThat(page.label("name")).isEqualTo("Name");
        assertThat(page.label("message")).isEqualTo("Message");
        assertThat(page.sendButtonText()).isEqualTo("Send");
        assertThat(page.statusText()).isEqualTo("Connected");
        assertThat(page.notices()).as("the server's Korean notices, in English").containsExactly("A user joined [online: 1]");
        assertThat(page.languageButtonText()).isEqualTo("한국어");
        page.reload();
        assertThat(page.sendButtonText()).as("remembered").isEqualTo("Send");

        ChatPage other = openPage();
        assertThat(other.sendButtonText()).as("another browser").isEqualTo("전송");
        page.awaitNotice("A user joined [online: 2]");
        assertThat(page.notices()).as("its own join and the other's, in English").endsWith("A user joined [online: 1]", "A user joined [online: 2]");
        other.awaitNotice("새로운 유저 접속 [현재: 2명]");
    }

    @Test
    void koreanLabelsAreDrawnWithAFontThatHasHangul() {
        ChatPage page = openPage();
        List<String> fonts = page.fontsDrawing("#send");
        assertThat(fonts).as("fonts drawing 전송: install a Korean font (fonts-noto-cjk)")
                .anyMatch(font -> font.matches("(?i).*(CJK|Gothic|Nanum|Malgun|Korean|KR|Un ).*"));
    }

    /** On a server of its own, so the screenshots show this conversation and nothing before it. */
    @Test
    void aConversationBetweenTwoPeopleOnDesktopAndPhone() throws Exception {
        try (ChatServer fresh = ChatServer.start(SERVER.config().withPort(0))) {
            URI freshUri = LocalServer.root(fresh);
            converse(page("ko-KR", DESKTOP).open(freshUri), page("ko-KR", PHONE).open(freshUri));
        }
    }

    /** Two people chat on a desktop and a phone, in both colour schemes, and the screenshots are taken. */
    static void converse(ChatPage desktop, ChatPage phone) throws Exception {
        desktop.typeName("철수");
        phone.typeName("영희");
        desktop.typeMessage("영희야, 오늘 저녁에 시간 있어?");
        desktop.pressEnter();
        phone.awaitChats(1);
        phone.typeMessage("응! 7시에 만나자 😀");
        phone.pressEnter();
        desktop.typeMessage("좋아, 그때 봐");
        desktop.clickSend();
        desktop.awaitChats(3);
        phone.awaitChats(3);
        assertThat(phone.chats()).extracting(ChatLine::mine).containsExactly(false, true, false);
        desktop.screenshot(Path.of("target", "screenshots", "conversation-desktop.png"));
        phone.screenshot(Path.of("target", "screenshots", "conversation-phone-360px.png"));
        desktop.colourScheme("dark");
        phone.colourScheme("dark");
        desktop.screenshot(Path.of("target", "screenshots", "conversation-desktop-dark.png"));
        phone.screenshot(Path.of("target", "screenshots", "conversation-phone-360px-dark.png"));
    }
}
