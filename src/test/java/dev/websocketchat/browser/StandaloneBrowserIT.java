package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.browser.ChatPage.ChatLine;
import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.TcpRelay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser scenarios against the standalone server, plus what only a restartable server
 * allows, plus what the page does by itself (the same files in every deployment): escaping,
 * languages, fonts, what it remembers.
 */
class StandaloneBrowserIT extends BrowserScenarios {

    private static ChatConfig config;
    private static ChatServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = LocalServer.start(Map.of());
        config = server.rooms().config().withPort(server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) { // null when the class was skipped before it started one (no Chromium)
            server.close();
        }
    }

    @Override
    protected URI applicationUri() {
        return LocalServer.root(server);
    }

    @Test
    void pagesSurviveAServerRestartAndChatAgainWithoutReloading() throws Exception {
        ChatPage alice = openPage();
        ChatPage bob = openPage();
        alice.typeMessage("재시작 전");
        alice.pressEnter();
        bob.awaitChats(1);

        server.close();
        for (ChatPage page : List.of(alice, bob)) {
            page.awaitState("reconnecting");
            assertThat(page.statusText()).startsWith("재연결 중…");
            assertThat(page.canSend()).as("a chat typed now waits in the outbox").isTrue();
        }
        bob.typeMessage("기다리는 중");
        bob.pressEnter();
        assertThat(bob.messageField()).as("the field is free again").isEmpty();
        assertThat(bob.pendingTexts()).as("typed while offline, kept until sent").containsExactly("기다리는 중");

        server = ChatServer.start(config);
        alice.awaitState("connected");
        bob.awaitState("connected").awaitNothingPending();
        alice.awaitChats(2);
        assertThat(alice.chats()).containsExactly(new ChatLine("익명", "재시작 전", true), new ChatLine("익명", "기다리는 중", false));
        assertThat(bob.chats()).containsExactly(new ChatLine("익명", "재시작 전", false), new ChatLine("익명", "기다리는 중", true));
        assertThat(alice.gapNotices()).as("a new run of the server cannot vouch for the old one's chats")
                .containsExactly("서버가 다시 시작되었습니다. 그 전에 보낸 메시지 중 일부는 표시되지 않았을 수 있습니다");
    }

    // What the page does by itself, the same in every deployment: run here only.

    /**
     * The link goes quiet (every byte held, nothing closed) as a chat is typed: the chat shows as
     * pending, the page finds the link dead by its own heartbeat (two 10 s intervals at most) and
     * says so. A new connection gets through while the old one's bytes are still held, so the page
     * sends the chat again; when the old bytes arrive too, the server has the chat twice and
     * delivers it once.
     */
    @Test
    void aChatTypedDuringASilentNetworkLossIsPendingThenArrivesExactlyOnce() throws Exception {
        try (TcpRelay network = TcpRelay.to(applicationUri())) {
            ChatPage wanderer = page("ko-KR", DESKTOP).open(network.uri(applicationUri()));
            ChatPage talker = openPage();
            network.stall();
            wanderer.typeMessage("조용히 끊긴 동안");
            wanderer.pressEnter();
            assertThat(wanderer.messageField()).isEmpty();
            assertThat(wanderer.pendingTexts()).containsExactly("조용히 끊긴 동안");

            wanderer.awaitState("reconnecting", Duration.ofSeconds(30));
            assertThat(talker.chats()).as("nothing got through the stalled link").isEmpty();
            assertThat(wanderer.pendingTexts()).as("still waiting").containsExactly("조용히 끊긴 동안");
            network.admitNew();
            wanderer.awaitState("connected").awaitNothingPending();
            talker.awaitChats(1);
            network.restore();
            Thread.sleep(1000); // time for the old connection's copy to arrive and show, were it delivered
            assertThat(talker.chats()).containsExactly(new ChatLine("익명", "조용히 끊긴 동안", false));
            assertThat(wanderer.chats()).containsExactly(new ChatLine("익명", "조용히 끊긴 동안", true));
        }
    }

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

    /**
     * A close that retrying cannot help (1009) leaves the page offline, saying why, and sending
     * nothing more. On a server of its own whose frame limit (1 KiB) is below what the page lets
     * through (2,000 characters): with the defaults the page never sends a frame that large.
     */
    @Test
    void aMessageTooLargeForTheServerEndsTheConnectionWithoutRetrying() throws Exception {
        try (ChatServer small = ChatServer.start(config.toBuilder().port(0).maxFrame(1024).addressBytes(0).build())) {
            ChatPage page = page("ko-KR", DESKTOP).open(LocalServer.root(small));
            page.pasteMessage("가".repeat(1_000)); // 3 KB of UTF-8
            page.pressEnter();
            page.awaitState("offline");
            assertThat(page.statusText()).contains("메시지가 너무 큽니다");
            Thread.sleep(1500);
            assertThat(page.state()).as("no reconnect loop after 1009").isEqualTo("offline");
            assertThat(page.canSend()).isFalse();
        }
    }

    /**
     * Chats in a row from one sender go under one name, each name has its colour on every page, and
     * a reader scrolled up is told how many chats arrived below, and taken there by the button.
     */
    @Test
    void aReaderScrolledUpIsToldOfNewMessagesAndChatsInARowShareOneName() {
        ChatPage reader = openPage();
        ChatPage talker = openPage();
        talker.typeName("철수");
        for (int i = 0; i < 12; i++) {
            talker.typeMessage("줄 " + i);
            talker.pressEnter();
        }
        reader.awaitChats(12);
        List<String> layout = reader.chatLayout();
        assertThat(layout.get(0)).as("the first of a run shows its name").doesNotEndWith("grouped");
        assertThat(layout.subList(1, 12)).as("the rest go under it, in its colour").allMatch(line -> line.equals(layout.get(0) + " grouped"));
        assertThat(talker.awaitChats(12).chatLayout()).as("the same colour on the sender's page").isEqualTo(layout);

        reader.scrollToTop();
        talker.typeMessage("아래에 새 메시지");
        talker.pressEnter();
        talker.typeMessage("하나 더");
        talker.pressEnter();
        reader.awaitNewerButton("새 메시지 2개 ↓");
        assertThat(reader.showsTheEnd()).as("still where the reader is").isFalse();
        reader.clickNewer();
        reader.awaitNewerButton("");
        assertThat(reader.showsTheEnd()).isTrue();
    }

    /**
     * "@철수" in a chat is marked on 철수's page, and, once 철수 turned notifications on with the
     * bell, shows as a notification while the tab is hidden; other chats do not.
     */
    @Test
    void aMentionIsMarkedAndNotifiedWhileTheTabIsHiddenOnceTheBellIsOn() {
        ChatPage me = openPage();
        me.typeName("철수");
        me.typeMessage("");
        ChatPage other = openPage();
        other.typeName("영희");
        other.typeMessage("");
        me.allowNotifications();
        me.clickBell();
        me.awaitBellOn();
        me.hideBehindAnotherTab();
        other.typeMessage("@철수 저녁 먹자");
        other.pressEnter();
        other.typeMessage("그냥 하는 말");
        other.pressEnter();
        other.awaitChats(2);
        me.showAgain();
        me.awaitChats(2);
        assertThat(me.mentions()).containsExactly("@철수");
        assertThat(me.notificationsShown()).containsExactly("영희: @철수 저녁 먹자");
        assertThat(other.mentions()).as("not a mention of 영희").isEmpty();
    }

    /** On a phone the list of who is here is a count, which opens the list and closes it again. */
    @Test
    void onAPhoneWhoIsHereIsACountThatOpensTheList() {
        ChatPage desk = openPage();
        desk.typeName("철수");
        desk.typeMessage(""); // leaving the name field commits the name
        ChatPage phone = page("ko-KR", PHONE).open(applicationUri());
        phone.typeName("영희");
        phone.typeMessage("");
        desk.awaitUsers("영희", "철수");
        assertThat(phone.peopleHeading()).isEqualTo("여기 있는 사람 2명");
        assertThat(phone.users()).as("closed").isEmpty();
        phone.togglePeople();
        phone.awaitUsers("영희", "철수");
        phone.togglePeople();
        phone.awaitUsers();
        assertThat(desk.peopleHeading()).as("on a desktop, no count: the list is open").isEqualTo("여기 있는 사람");
    }

    /** An address naming no possible room opens none and says so; the name can be fixed in the room field. */
    @Test
    void aLinkToAnInvalidRoomSaysSoAndOpensTheRoomOnceFixed() {
        ChatPage page = page("ko-KR", DESKTOP).open(applicationUri().resolve("#room=Design%20Room"), false);
        page.awaitState("offline");
        assertThat(page.statusText()).contains("\"Design Room\"은(는) 방 이름이 될 수 없습니다", "영문 소문자, 숫자, -, _");
        assertThat(page.roomField()).isEqualTo("Design Room");
        page.enterRoom("design-room");
        page.awaitState("connected");
        page.awaitUsers("익명");
    }

    /** On a server of its own, so the screenshots show this conversation and nothing before it. */
    @Test
    void aConversationBetweenTwoPeopleOnDesktopAndPhone() throws Exception {
        try (ChatServer fresh = ChatServer.start(config.withPort(0))) {
            URI freshUri = LocalServer.root(fresh);
            converse(page("ko-KR", DESKTOP).open(freshUri), page("ko-KR", PHONE).open(freshUri));
        }
    }

    /**
     * axe-core finds nothing against WCAG 2.1 AA on the page of a conversation, in Korean and in
     * English, in the light and the dark scheme, on a desktop and on a 360 px phone.
     */
    @Test
    void axeFindsNoAccessibilityViolationInEitherLanguageSchemeOrSize() throws Exception {
        try (ChatServer fresh = ChatServer.start(config.withPort(0))) {
            URI freshUri = LocalServer.root(fresh);
            List<ChatPage> both = List.of(page("ko-KR", DESKTOP).open(freshUri), page("ko-KR", PHONE).open(freshUri));
            converse(both.get(0), both.get(1));
            for (String language : List.of("ko", "en")) {
                for (String scheme : List.of("light", "dark")) {
                    for (ChatPage page : both) {
                        page.colourScheme(scheme);
                        assertThat(page.accessibilityViolations()).as("%s, %s, %s", language, scheme, page == both.get(0) ? "desktop" : "phone")
                                .isEmpty();
                    }
                }
                both.forEach(ChatPage::clickLanguage);
            }
        }
    }

    private static void converse(ChatPage desktop, ChatPage phone) throws Exception {
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
