package dev.websocketchat.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import dev.websocketchat.support.AxeCore;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Everything a test does with the chat page, in the page's own terms. Waits are bounded (20 s). */
final class ChatPage implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    /** How often a wait looks again: Selenium's 500 ms would add a quarter second to every step on average. */
    private static final Duration POLL = Duration.ofMillis(100);

    /** One chat line as the reader sees it. */
    record ChatLine(String name, String text, boolean mine) {
    }

    private final ChromeDriver driver;
    /** The page's own tab, while another is in front of it. */
    private String pageWindow;
    private final WebDriverWait wait;
    private int linesBeforeThisVisit;

    ChatPage(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, WAIT, POLL);
        // the page replaces a list's items as it re-renders it: an item read just then is read again at the next poll
        this.wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    /** Opens the page and waits until it is connected and has shown the history it was sent. */
    ChatPage open(URI application) {
        return open(application, true);
    }

    /** Opens the page; waits for it to connect and show its history only if {@code connects}. */
    ChatPage open(URI application, boolean connects) {
        driver.get(application.toString());
        if (!connects) {
            return this;
        }
        awaitState("connected");
        wait.withMessage("the history should be shown")
                .until(d -> "shown".equals(d.findElement(By.id("log")).getAttribute("data-history")));
        linesBeforeThisVisit = allChats().size();
        return this;
    }

    ChatPage awaitState(String state) {
        return awaitState(state, WAIT);
    }

    ChatPage awaitState(String state, Duration within) {
        new WebDriverWait(driver, within, POLL)
                .withMessage(() -> "status should become " + state + " within " + within + " but is " + state() + ": " + statusText())
                .until(d -> state.equals(state()));
        return this;
    }

    String state() {
        return driver.findElement(By.id("status")).getAttribute("data-state");
    }

    String statusText() {
        return driver.findElement(By.id("status")).getText();
    }

    /** Clicks the button of that text beside the name in the list of who is here. */
    void clickBeside(String name, String button) {
        driver.findElements(By.cssSelector("#users li")).stream()
                .filter(item -> item.findElement(By.className("user")).getText().startsWith(name))
                .flatMap(item -> item.findElements(By.cssSelector("button.act")).stream())
                .filter(action -> action.getText().equals(button)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + button + " beside " + name + " in " + users())).click();
    }

    /** The page's address as the browser shows it now. */
    String address() {
        return driver.getCurrentUrl();
    }

    /** Whether the name field can be typed in (it cannot once the user is signed in). */
    boolean nameEditable() {
        return driver.findElement(By.id("name")).getDomProperty("readOnly").equals("false");
    }

    void typeName(String name) {
        WebElement field = driver.findElement(By.id("name"));
        field.clear();
        field.sendKeys(name);
    }

    /** Types a name a character at a time, pausing between them as a person does, without leaving the field. */
    void typeNameSlowly(String name, java.time.Duration pause) throws InterruptedException {
        WebElement field = driver.findElement(By.id("name"));
        field.clear();
        for (int i = 0; i < name.length(); i++) {
            field.sendKeys(name.substring(i, i + 1));
            Thread.sleep(pause.toMillis());
        }
    }

    /** Types a new name and leaves the field, which renames the connection. */
    void renameTo(String name) {
        typeName(name);
        driver.findElement(By.id("name")).sendKeys(Keys.TAB);
    }

    /** Goes to another room through the field in the header, and waits for its history. */
    ChatPage enterRoom(String room) {
        WebElement field = driver.findElement(By.id("room"));
        field.clear();
        field.sendKeys(room, Keys.ENTER);
        wait.withMessage("the page should go to room " + room)
                .until(d -> d.getCurrentUrl().endsWith("#room=" + room) || room.equals("lobby") && !d.getCurrentUrl().contains("#room="));
        awaitState("connected");
        wait.withMessage("the history should be shown")
                .until(d -> "shown".equals(d.findElement(By.id("log")).getAttribute("data-history")));
        return this;
    }

    /** The heading of the list of who is here, as shown: on a phone, with the count that opens the list. */
    String peopleHeading() {
        return driver.findElement(By.id("people-toggle")).getText();
    }

    void togglePeople() {
        driver.findElement(By.id("people-toggle")).click();
    }

    String roomField() {
        return driver.findElement(By.id("room")).getDomProperty("value");
    }

    /** Who the list says is here: each name, with " ×N" for a name on N > 1 connections; empty while the list is hidden. */
    List<String> users() {
        if (!driver.findElement(By.id("users")).isDisplayed()) {
            return List.of();
        }
        return driver.findElements(By.cssSelector("#users li")).stream()
                .map(item -> item.findElement(By.className("user")).getText()
                        + item.findElements(By.className("connections")).stream().map(count -> " " + count.getText()).findFirst().orElse(""))
                .toList();
    }

    ChatPage awaitUsers(String... expected) {
        wait.withMessage(() -> "users " + List.of(expected) + " expected, the list shows " + users())
                .until(d -> users().equals(List.of(expected)));
        return this;
    }

    String name() {
        return driver.findElement(By.id("name")).getDomProperty("value");
    }

    void typeMessage(CharSequence... keys) {
        driver.findElement(By.id("message")).sendKeys(keys);
    }

    /** Puts text into the message field as a paste does, at once, then lets the page hear of it. */
    void pasteMessage(String text) {
        ((JavascriptExecutor) driver).executeScript("const field = document.getElementById('message');"
                + "field.value = arguments[0]; field.dispatchEvent(new Event('input')); field.focus();", text);
    }

    /** What the line beside the send button says of the message's length; empty well within the limit. */
    String lengthLine() {
        return driver.findElement(By.id("length")).getText();
    }

    String messageField() {
        return driver.findElement(By.id("message")).getDomProperty("value");
    }

    boolean messageFieldHasFocus() {
        return driver.findElement(By.id("message")).equals(driver.switchTo().activeElement());
    }

    /** Scrolls the conversation to its top, as a reader going back would. */
    void scrollToTop() {
        driver.executeScript("document.getElementById('scroller').scrollTop = 0");
    }

    /** Whether the conversation shows its end. */
    /** What the "new messages" button says; empty while it is hidden. */
    String newerButton() {
        WebElement button = driver.findElement(By.id("newer"));
        return button.isDisplayed() ? button.getText() : "";
    }

    ChatPage awaitNewerButton(String expected) {
        wait.withMessage(() -> "new-messages button '" + expected + "', shown: '" + newerButton() + "'")
                .until(d -> expected.equals(newerButton()));
        return this;
    }

    void clickNewer() {
        driver.findElement(By.id("newer")).click();
    }

    /** Each chat line's name colour and whether it sits under the line before's name, in order. */
    List<String> chatLayout() {
        return driver.findElements(By.cssSelector("#log li.chat")).stream()
                .map(line -> line.findElement(By.className("name")).getAttribute("data-hue")
                        + (line.getAttribute("class").contains("grouped") ? " grouped" : ""))
                .toList();
    }

    boolean showsTheEnd() {
        Object gap = driver.executeScript("const s = document.getElementById('scroller');"
                + "return s.scrollHeight - s.scrollTop - s.clientHeight;");
        return ((Number) gap).doubleValue() < 2;
    }

    void clickSend() {
        driver.findElement(By.id("send")).click();
    }

    void pressEnter() {
        typeMessage(Keys.ENTER);
    }

    void pressShiftEnter() {
        typeMessage(Keys.chord(Keys.SHIFT, Keys.ENTER));
    }

    void clickHello() {
        driver.findElement(By.id("hello")).click();
    }

    boolean canSend() {
        return driver.findElement(By.id("send")).isEnabled() && driver.findElement(By.id("hello")).isEnabled();
    }

    String label(String forField) {
        return driver.findElement(By.cssSelector("label[for='" + forField + "']")).getText();
    }

    String sendButtonText() {
        return driver.findElement(By.id("send")).getText();
    }

    /** Waits until the line under the conversation says who is typing as expected ("" for nobody). */
    String awaitTyping(String expected) {
        wait.withMessage(() -> "typing line '" + expected + "', shown: '" + typing() + "'").until(d -> expected.equals(typing()));
        return typing();
    }

    String typing() {
        return driver.findElement(By.id("typing")).getText();
    }

    int onlineCount() {
        return Integer.parseInt(driver.findElement(By.id("online-count")).getText());
    }

    List<String> notices() {
        return driver.findElements(By.cssSelector("#log li.notice")).stream().map(WebElement::getText).toList();
    }

    /** The notices that some chats are missing, which look unlike join and leave lines. */
    List<String> gapNotices() {
        return driver.findElements(By.cssSelector("#log li.gap")).stream().map(WebElement::getText).toList();
    }

    /** How many chat lines come before the divider between history and live chats; -1 if there is none. */
    int chatsBeforeDivider() {
        Object count = driver.executeScript("const divider = document.querySelector('#log .divider');"
                + "if (!divider) return -1;"
                + "return [...document.querySelectorAll('#log li.chat')]"
                + ".filter((chat) => chat.compareDocumentPosition(divider) & Node.DOCUMENT_POSITION_FOLLOWING).length;");
        return ((Number) count).intValue();
    }

    String dividerText() {
        return driver.findElement(By.cssSelector("#log .divider")).getText();
    }

    void clickLanguage() {
        driver.findElement(By.id("language")).click();
    }

    String languageButtonText() {
        return driver.findElement(By.id("language")).getText();
    }

    String helloTooltip() {
        return driver.findElement(By.id("hello")).getAttribute("title");
    }

    /**
     * The fonts Chromium used to draw an element's text (CDP {@code CSS.getPlatformFontsForNode}):
     * a Korean label drawn without a Korean font lists only fonts that have no Hangul.
     */
    List<String> fontsDrawing(String cssSelector) {
        driver.executeCdpCommand("DOM.enable", Map.of());
        driver.executeCdpCommand("CSS.enable", Map.of());
        Object root = ((Map<?, ?>) driver.executeCdpCommand("DOM.getDocument", Map.of()).get("root")).get("nodeId");
        Object node = driver.executeCdpCommand("DOM.querySelector", Map.of("nodeId", root, "selector", cssSelector)).get("nodeId");
        Object fonts = driver.executeCdpCommand("CSS.getPlatformFontsForNode", Map.of("nodeId", node)).get("fonts");
        return ((List<?>) fonts).stream().map(font -> String.valueOf(((Map<?, ?>) font).get("familyName"))).toList();
    }

    /** The chat lines that arrived since the page was opened, without the history shown on opening. */
    List<ChatLine> chats() {
        List<ChatLine> all = allChats();
        return all.subList(Math.min(linesBeforeThisVisit, all.size()), all.size());
    }

    /** Every chat line on the page, the history included. */
    List<ChatLine> allChats() {
        return driver.findElements(By.cssSelector("#log li.chat")).stream()
                .map(line -> new ChatLine(line.findElement(By.className("name")).getText(),
                        line.findElement(By.className("text")).getDomProperty("textContent"),
                        line.getAttribute("class").contains("mine")))
                .toList();
    }

    /** The texts of the chats typed here that the server has not delivered yet, oldest first, as the outbox below the log shows them. */
    List<String> pendingTexts() {
        return driver.findElements(By.cssSelector("#outbox li.pending .text")).stream()
                .map(text -> text.getDomProperty("textContent")).toList();
    }

    /** Waits until every chat typed here has come back from the server. */
    ChatPage awaitNothingPending() {
        wait.withMessage(() -> "nothing should be pending, but " + pendingTexts() + " is").until(d -> pendingTexts().isEmpty());
        return this;
    }

    /** The links in the last chat's text, each as href, rel and target. */
    List<List<String>> linksInLastChat() {
        List<WebElement> chats = driver.findElements(By.cssSelector("#log li.chat"));
        return chats.get(chats.size() - 1).findElements(By.cssSelector(".text *")).stream()
                .map(element -> List.of(element.getTagName() + " " + element.getDomProperty("href"),
                        String.valueOf(element.getDomAttribute("rel")), String.valueOf(element.getDomAttribute("target"))))
                .toList();
    }

    /** Opens a blank tab in front of the page, which is hidden from then on, as a tab the reader left. */
    void hideBehindAnotherTab() {
        pageWindow = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    }

    /** Brings the page's tab to the front again, after {@link #hideBehindAnotherTab}. */
    void showAgain() {
        driver.switchTo().window(pageWindow);
    }

    /**
     * Lets the page show notifications, as a reader who allowed them would, and keeps the title of
     * each it shows, for {@link #notificationsShown}: headless Chrome draws none.
     */
    void allowNotifications() {
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("permissions", List.of("notifications"),
                "origin", URI.create(driver.getCurrentUrl()).resolve("/").toString().replaceAll("/$", "")));
        driver.executeScript("window.shownNotifications = [];"
                + "window.Notification = class extends window.Notification {"
                + "  constructor(title, options) { super(title, options); window.shownNotifications.push(title); } };");
    }

    List<String> notificationsShown() {
        return ((List<?>) driver.executeScript("return window.shownNotifications;")).stream().map(String::valueOf).toList();
    }

    void clickBell() {
        driver.findElement(By.id("notify")).click();
    }

    void awaitBellOn() {
        wait.withMessage("the bell should be on").until(d -> "true".equals(d.findElement(By.id("notify")).getDomAttribute("aria-pressed")));
    }

    /** The texts marked as mentions of this page's name, in order. */
    List<String> mentions() {
        return driver.findElements(By.cssSelector("#log li.chat.mentions-me mark.mention")).stream().map(WebElement::getText).toList();
    }

    /** The title of the page's tab as the tab strip shows it, read without bringing the tab to the front. */
    String tabTitle() {
        List<?> targets = (List<?>) driver.executeCdpCommand("Target.getTargets", Map.of()).get("targetInfos");
        return targets.stream().map(target -> (Map<?, ?>) target)
                .filter(target -> "page".equals(target.get("type")) && String.valueOf(target.get("url")).startsWith("http"))
                .map(target -> String.valueOf(target.get("title"))).findFirst().orElseThrow();
    }

    /** Elements of any kind that user text could have smuggled into the log. */
    int markupInsideChatTexts() {
        return driver.findElements(By.cssSelector("#log .text *")).size();
    }

    String title() {
        return driver.getTitle();
    }

    /**
     * Waits for a notice: shown as a line, or as one of the server's join and leave texts that a
     * line of several joins and leaves counts (listed in its tooltip).
     */
    ChatPage awaitNotice(String text) {
        wait.withMessage(() -> "notice '" + text + "' expected among " + notices() + " and " + presenceNotices())
                .until(d -> notices().contains(text) || presenceNotices().contains(text));
        return this;
    }

    /** The join and leave texts as the server sent them, from the tooltips of the lines that show them. */
    List<String> presenceNotices() {
        return driver.findElements(By.cssSelector("#log li[data-presence]")).stream()
                .flatMap(line -> Arrays.stream(line.getAttribute("title").split("\n")))
                .toList();
    }

    ChatPage awaitChats(int count) {
        wait.withMessage(() -> count + " chat lines expected, found " + chats()).until(d -> chats().size() >= count);
        return this;
    }

    /**
     * Console errors and uncaught exceptions since the last call. Chrome's own line for a refused
     * connection (a reconnect attempt while the server is down) is network noise, not a page error.
     */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !message.contains("net::ERR_CONNECTION_REFUSED"))
                .toList();
    }

    void reload() {
        driver.navigate().refresh();
        awaitState("connected");
    }

    /** What axe-core finds against WCAG 2.1 AA on the page as it is now: each violation's rule, impact and elements. */
    List<String> accessibilityViolations() throws Exception {
        driver.executeScript(AxeCore.script());
        Object found = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then((result) => done(result.violations.map((v) => v.id + ' (' + v.impact + '): '"
                + " + v.nodes.map((n) => n.target.join(' ')).join(', '))))"
                + ".catch((error) => done(['axe failed: ' + error]));");
        return ((List<?>) found).stream().map(String::valueOf).toList();
    }

    /** Draws the page as a browser set to a dark (or light) colour scheme would. */
    void colourScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Leaves the page; its browser is reset and kept for another page (see {@link Browsers}). */
    @Override
    public void close() {
        Browsers.release(driver);
    }
}
