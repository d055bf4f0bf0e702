package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.browser.ChatPage.ChatLine;
import dev.websocketchat.identity.Tokens;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.TcpRelay;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the page does by itself, the same files in every deployment, that takes its time: a silent
 * network loss waited out, the reader's attention (new messages below, mentions, notifications),
 * the phone's list of who is here, a link to a room that cannot be, a close that retrying cannot
 * help, and axe-core's accessibility check in both languages, schemes and sizes. Against the
 * standalone server, in the {@code page-browser} profile, which {@code .ci/run} runs: out of the
 * default run for its time budget.
 */
class PageBrowserIT extends BrowserTest {

    @RegisterExtension
    static final LocalBrowserServer SERVER = new LocalBrowserServer();

    @Override
    protected URI applicationUri() {
        return SERVER.root();
    }

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


    /**
     * A close that retrying cannot help (1009) leaves the page offline, saying why, and sending
     * nothing more. On a server of its own whose frame limit (1 KiB) is below what the page lets
     * through (2,000 characters): with the defaults the page never sends a frame that large.
     */
    @Test
    void aMessageTooLargeForTheServerEndsTheConnectionWithoutRetrying() throws Exception {
        try (ChatServer small = ChatServer.start(SERVER.config().toBuilder().port(0).maxFrame(1024).addressBytes(0).build())) {
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
     * With {@code CHAT_AUTH=required}: a page given a token in its address (taken out of the
     * address at once) chats under the name the token proves, marked as signed in, with the name
     * field locked; a page without a token is told to sign in, and one sent to a private room its
     * token does not open is told it may not enter; neither retries.
     */
    @Test
    void aSignedInUserChatsUnderTheirMarkedNameAndTheOthersAreToldWhy() throws Exception {
        try (ChatServer secured = ChatServer.start(SERVER.config().toBuilder().port(0).auth("required").jwtSecret(Tokens.SECRET)
                .privateRooms(java.util.Set.of("staff")).build())) {
            URI root = LocalServer.root(secured);
            String token = Tokens.hs256(Tokens.claims("u-1", "영희").build());
            ChatPage page = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + token));
            assertThat(page.address()).as("the token is out of the address").doesNotContain("token");
            assertThat(page.name()).isEqualTo("영희");
            assertThat(page.nameEditable()).isFalse();
            page.awaitUsers("영희✓");
            page.typeMessage("안녕하세요");
            page.pressEnter();
            page.awaitNothingPending();
            assertThat(page.chats()).containsExactly(new ChatLine("영희✓", "안녕하세요", true));

            ChatPage stranger = page("ko-KR", DESKTOP).open(root, false);
            stranger.awaitState("offline");
            assertThat(stranger.statusText()).contains("로그인이 필요합니다");

            ChatPage outsider = page("ko-KR", DESKTOP).open(URI.create(root + "#room=staff&token=" + token), false);
            outsider.awaitState("offline");
            assertThat(outsider.statusText()).contains("이 방에 들어갈 권한이 없습니다");
            Thread.sleep(1500);
            assertThat(outsider.state()).as("no reconnect loop after 4403").isEqualTo("offline");
        }
    }

    /**
     * A signed-in user opens a direct conversation from the list of who is here, and the other
     * user finds it by the same button; a moderator bans a troublemaker from the list, whose page
     * then says it was banned, and who cannot come back.
     */
    @Test
    void aDirectConversationAndABanStartFromTheListOfWhoIsHere() throws Exception {
        try (ChatServer secured = ChatServer.start(SERVER.config().toBuilder().port(0).auth("required").jwtSecret(Tokens.SECRET).build())) {
            URI root = LocalServer.root(secured);
            String moderator = Tokens.hs256(Tokens.with(Tokens.claims("u-mod", "관리자"), c -> c.claim("roles", List.of("moderator"))));
            ChatPage mod = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + moderator));
            ChatPage troll = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + Tokens.token("u-troll", "트롤")));
            mod.awaitUsers("관리자✓", "트롤✓");

            ChatPage trollsOtherTab = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + Tokens.token("u-troll", "트롤")));
            trollsOtherTab.clickBeside("관리자", "1:1");
            trollsOtherTab.awaitState("connected");
            trollsOtherTab.typeMessage("잠깐 얘기해요");
            trollsOtherTab.pressEnter();
            trollsOtherTab.awaitNothingPending();
            ChatPage modsOtherTab = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + moderator));
            modsOtherTab.awaitUsers("관리자✓ ×2", "트롤✓");
            modsOtherTab.clickBeside("트롤", "1:1");
            modsOtherTab.awaitState("connected");
            assertThat(modsOtherTab.address()).contains("room=%40u-troll");
            modsOtherTab.awaitUsers("관리자✓", "트롤✓");
            assertThat(modsOtherTab.allChats()).extracting(ChatLine::text).as("the same conversation").contains("잠깐 얘기해요");

            mod.clickBeside("트롤", "차단 1시간");
            troll.awaitState("offline");
            assertThat(troll.statusText()).contains("관리자가 이 방에서 차단했습니다");
            assertThat(trollsOtherTab.state()).as("banned from the lobby, not from the conversation").isEqualTo("connected");
            ChatPage again = page("ko-KR", DESKTOP).open(URI.create(root + "#token=" + Tokens.token("u-troll", "트롤")), false);
            again.awaitState("offline");
            assertThat(again.statusText()).contains("관리자가 이 방에서 차단했습니다");
        }
    }

    /**
     * axe-core finds nothing against WCAG 2.1 AA on the page of a conversation, in Korean and in
     * English, in the light and the dark scheme, on a desktop and on a 360 px phone.
     */
    @Test
    void axeFindsNoAccessibilityViolationInEitherLanguageSchemeOrSize() throws Exception {
        try (ChatServer fresh = ChatServer.start(SERVER.config().withPort(0))) {
            URI freshUri = LocalServer.root(fresh);
            List<ChatPage> both = List.of(page("ko-KR", DESKTOP).open(freshUri), page("ko-KR", PHONE).open(freshUri));
            StandaloneBrowserIT.converse(both.get(0), both.get(1));
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
}
