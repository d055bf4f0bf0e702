package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.browser.ChatPage.ChatLine;
import dev.websocketchat.support.TcpRelay;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What people do with the page, in real headless Chromium, two or more pages at a time. Runs
 * against every deployment through a subclass that says where the application is; what the page
 * does by itself, whatever serves it, is in {@link StandaloneBrowserIT} and {@link PageBrowserIT}
 * only.
 */
abstract class BrowserScenarios extends BrowserTest {

    @Test
    void everyPageShowsJoinNoticesWithTheRightCount() {
        ChatPage first = openPage().awaitNotice("새로운 유저 접속 [현재: 1명]");
        assertThat(first.onlineCount()).isEqualTo(1);
        ChatPage second = openPage();
        for (ChatPage page : List.of(first, second)) {
            page.awaitNotice("새로운 유저 접속 [현재: 2명]");
            assertThat(page.onlineCount()).isEqualTo(2);
        }
        assertThat(second.notices()).as("its own join, alone").endsWith("새로운 유저 접속 [현재: 2명]");
        assertThat(first.notices()).as("each as the tutorial's text").endsWith("새로운 유저 접속 [현재: 1명]", "새로운 유저 접속 [현재: 2명]");
        closePage(second);
        first.awaitNotice("유저 연결 해제 [현재: 1명]");
        assertThat(first.notices()).as("the latest as the tutorial's text, the two before it counted")
                .endsWith("2명 접속", "유저 연결 해제 [현재: 1명]");
        assertThat(first.onlineCount()).isEqualTo(1);
    }

    @Test
    void afterLoadingTheMessageFieldHasTheFocus() {
        ChatPage page = openPage().awaitNotice("새로운 유저 접속 [현재: 1명]");
        assertThat(page.messageFieldHasFocus()).isTrue();
    }

    @Test
    void sendingWhileScrolledUpBringsYouDownToYourOwnMessage() {
        ChatPage reader = openPage();
        ChatPage talker = openPage();
        for (int i = 0; i < 15; i++) { // within the rate limit's burst; more than a desktop page shows
            talker.typeMessage("줄 " + i);
            talker.pressEnter();
        }
        reader.awaitChats(15);
        reader.scrollToTop();
        assertThat(reader.showsTheEnd()).as("scrolled up").isFalse();
        reader.typeMessage("이제 내 차례");
        reader.pressEnter();
        reader.awaitChats(16);
        assertThat(reader.showsTheEnd()).as("at its own message").isTrue();
    }

    @Test
    void messagesSentWithTheButtonOrWithEnterReachEveryPage() {
        ChatPage alice = openPage();
        ChatPage bob = openPage();
        alice.typeName("철수");
        alice.typeMessage("안녕하세요");
        alice.clickSend();
        bob.typeName("영희");
        bob.typeMessage("첫째 줄");
        bob.pressShiftEnter();
        bob.typeMessage("둘째 줄");
        assertThat(bob.messageField()).as("Shift+Enter adds a line, it does not send").isEqualTo("첫째 줄\n둘째 줄");
        bob.pressEnter();

        List<ChatLine> expected = List.of(new ChatLine("철수", "안녕하세요", true), new ChatLine("영희", "첫째 줄\n둘째 줄", false));
        assertThat(alice.awaitChats(2).chats()).isEqualTo(expected);
        assertThat(bob.awaitChats(2).chats()).containsExactly(
                new ChatLine("철수", "안녕하세요", false), new ChatLine("영희", "첫째 줄\n둘째 줄", true));
        for (ChatPage page : List.of(alice, bob)) {
            assertThat(page.messageField()).isEmpty();
            assertThat(page.messageFieldHasFocus()).isTrue();
        }
    }

    /** Typing shows on the other pages under the conversation, not on the typist's, and goes when the chat arrives. */
    @Test
    void whoIsTypingShowsOnTheOtherPagesUntilTheirMessageArrives() {
        ChatPage alice = openPage();
        ChatPage bob = openPage();
        ChatPage carol = openPage();
        alice.typeName("철수");
        alice.typeMessage("안녕");
        assertThat(bob.awaitTyping("철수 님이 입력 중…")).isNotEmpty();
        carol.typeName("영희");
        carol.typeMessage("반가워");
        assertThat(bob.awaitTyping("철수, 영희 님이 입력 중…")).isNotEmpty();
        assertThat(alice.awaitTyping("영희 님이 입력 중…")).as("not its own typing").isNotEmpty();
        alice.pressEnter();
        bob.awaitChats(1);
        assertThat(bob.awaitTyping("영희 님이 입력 중…")).as("철수's message arrived").isNotEmpty();
    }

    @Test
    void closingAPageShowsItsLeaveWithTheCount() {
        ChatPage stays = openPage();
        ChatPage leaves = openPage();
        stays.awaitNotice("새로운 유저 접속 [현재: 2명]");
        closePage(leaves);
        stays.awaitNotice("유저 연결 해제 [현재: 1명]");
        assertThat(stays.onlineCount()).isEqualTo(1);
    }

    @Test
    void aLatePageShowsTheHistoryOnce() {
        ChatPage early = openPage();
        early.typeName("먼저");
        early.typeMessage("하나");
        early.pressEnter();
        early.typeMessage("둘");
        early.pressEnter();
        early.awaitChats(2);
        ChatPage late = openPage();
        late.awaitNotice("새로운 유저 접속 [현재: 2명]");
        assertThat(late.allChats()).endsWith(new ChatLine("먼저", "하나", false), new ChatLine("먼저", "둘", false));
        assertThat(late.allChats()).doesNotHaveDuplicates();
        int history = late.allChats().size();
        assertThat(late.chatsBeforeDivider()).as("the divider closes the history").isEqualTo(history);
        assertThat(late.dividerText()).isEqualTo("이전 대화");
        early.typeMessage("셋");
        early.pressEnter();
        late.awaitChats(1);
        assertThat(late.chatsBeforeDivider()).as("a live chat comes after the divider").isEqualTo(history);
    }

    @Test
    void aPageThatLosesItsConnectionShowsEveryMessageOnceInOrder() throws Exception {
        try (TcpRelay network = TcpRelay.to(applicationUri())) {
            ChatPage wanderer = page("ko-KR", DESKTOP).open(network.uri(applicationUri()));
            ChatPage talker = openPage();
            say(talker, "끊기 전");
            wanderer.awaitChats(1);

            network.cut();
            talker.awaitNotice("유저 연결 해제 [현재: 1명]");
            wanderer.awaitState("connecting");
            List<String> missed = List.of("끊긴 동안 1", "끊긴 동안 2", "끊긴 동안 3");
            missed.forEach(text -> say(talker, text));
            talker.awaitChats(4);
            network.restore();

            wanderer.awaitState("connected").awaitChats(4);
            say(talker, "다시 연결된 뒤");
            assertThat(wanderer.awaitChats(5).chats()).extracting(ChatLine::text)
                    .containsExactly("끊기 전", "끊긴 동안 1", "끊긴 동안 2", "끊긴 동안 3", "다시 연결된 뒤");
            assertThat(wanderer.gapNotices()).as("nothing was missed").isEmpty();
            // The page's duplicate check would hide a full history; the resume point is what asks for less.
            List<String> sockets = network.requestLines().stream().filter(line -> line.contains("/chat")).toList();
            assertThat(sockets).as("the first socket, then the reconnect").hasSizeGreaterThanOrEqualTo(2);
            assertThat(sockets.get(0)).doesNotContain("since=");
            assertThat(sockets.get(sockets.size() - 1)).containsPattern("chat\\?since=[1-9][0-9]*&epoch=\\w+ HTTP/1.1");
        }
    }

    @Test
    void twoRoomsInTwoTabsShowWhoIsInEachAndAThirdTabsJoinRenameAndLeaveShowOnlyWhereItIs() {
        ChatPage lobby = openPage();
        lobby.renameTo("로비");
        ChatPage design = page("ko-KR", DESKTOP).open(pageUri().resolve("#room=design"));
        design.renameTo("디자이너");
        lobby.awaitUsers("로비");
        design.awaitUsers("디자이너");

        ChatPage third = page("ko-KR", DESKTOP).open(pageUri().resolve("#room=design"));
        design.awaitUsers("디자이너", "익명").awaitNotice("새로운 유저 접속 [현재: 2명]");
        third.renameTo("손님");
        design.awaitUsers("디자이너", "손님").awaitNotice("익명 님이 이름을 손님(으)로 바꿨습니다");
        third.awaitUsers("디자이너", "손님");
        say(third, "디자인 방에서");
        assertThat(design.awaitChats(1).chats()).containsExactly(new ChatLine("손님", "디자인 방에서", false));

        third.enterRoom("lobby");
        design.awaitUsers("디자이너").awaitNotice("유저 연결 해제 [현재: 1명]");
        lobby.awaitUsers("로비", "손님").awaitNotice("새로운 유저 접속 [현재: 2명]");
        assertThat(third.allChats()).as("the lobby's conversation, not design's").extracting(ChatLine::text)
                .doesNotContain("디자인 방에서");
        closePage(third);
        lobby.awaitUsers("로비").awaitNotice("유저 연결 해제 [현재: 1명]");
        assertThat(lobby.notices()).as("design's rename never reached the lobby").noneMatch(notice -> notice.contains("손님(으)로"));
        assertThat(lobby.allChats()).extracting(ChatLine::text).doesNotContain("디자인 방에서");
    }

    private static void say(ChatPage page, String text) {
        page.typeMessage(text);
        page.pressEnter();
    }

    /** Near the limit a count shows; over it, nothing is sent and nothing is cut. */
    @Test
    void aMessageOverTheLimitIsNeitherSentNorCut() {
        ChatPage writer = openPage();
        ChatPage reader = openPage();
        String long2500 = "가".repeat(2_500);
        writer.pasteMessage(long2500);
        assertThat(writer.lengthLine()).isEqualTo("500자 초과: 2000자까지 보낼 수 있습니다");
        assertThat(writer.canSend()).as("the send button, off").isFalse();
        writer.pressEnter();
        assertThat(writer.messageField()).as("kept whole").isEqualTo(long2500);
        writer.pasteMessage("가".repeat(1_900));
        assertThat(writer.lengthLine()).isEqualTo("1900 / 2000자");
        writer.pressEnter();
        assertThat(reader.awaitChats(1).chats().get(0).text()).hasSize(1_900);
        assertThat(writer.lengthLine()).as("no count for an empty field").isEmpty();
    }
}
