package dev.websocketchat.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.Scrape;
import dev.websocketchat.support.ShutdownScenario;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR's connection limit and undeploy, in every container: the built WAR again, with
 * {@code chat.*} context parameters in a {@code web.xml} (two connections at most, 16 MiB send
 * queues), as {@code limited.war}, deployed for the class, and as {@code doomed.war}, which the
 * tests deploy and undeploy themselves (Arquillian will not undeploy what it manages).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarLimitsIT {

    private static final String LIMITED = "limited";
    private static final String DOOMED = "doomed";
    /**
     * The Payara Micro adapter runs each deployment in a Payara Micro instance of its own and, to
     * undeploy, ends the instance: the reader saw its connection end without a close frame and the
     * room logged no shutdown, so the application was never told and there is no undeploy to test.
     */
    private static final String NO_UNDEPLOY = "the Payara Micro adapter ends the whole instance instead of undeploying";

    @ArquillianResource
    @OperateOnDeployment(LIMITED)
    private URL application;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = LIMITED, testable = false)
    static WebArchive limited() {
        return configured(LIMITED);
    }

    @Deployment(name = DOOMED, testable = false, managed = false)
    static WebArchive doomed() {
        return configured(DOOMED);
    }

    private static WebArchive configured(String name) {
        String webXml = """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>chat.max.connections</param-name><param-value>2</param-value></context-param>
                  <context-param><param-name>chat.send.queue.bytes</param-name><param-value>16777216</param-value></context-param>
                </web-app>
                """;
        return ChatWar.asBuilt(name + ".war").addAsWebInfResource(new StringAsset(webXml), "web.xml");
    }

    private URI chat() {
        URI app = ChatWar.root(application);
        return URI.create("ws" + app.toString().substring("http".length())).resolve("chat");
    }

    @Test
    @Order(1)
    void aHandshakeBeyondTheLimitGets503AndIsNeverCounted() throws Exception {
        Scrape before = Scrape.of(ChatWar.root(application));
        try (ChatClient first = ChatClient.joined(chat()); ChatClient second = ChatClient.joined(chat())) {
            first.next(Join.class);
            assertThat(ChatClient.handshakeStatus(chat(), null)).isEqualTo(503);
            Scrape after = Scrape.of(ChatWar.root(application));
            assertThat(after.value("chat_connections")).isEqualTo(2);
            assertThat(after.since(before, "chat_rejected_total{reason=\"server_full\"}")).isEqualTo(1);
            first.expectSilence(java.time.Duration.ofMillis(300));
        }
    }

    /** Deployed by a test of its own: Arquillian can hand the next test its URL only once it is deployed. */
    @Test
    @Order(2)
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = "payara", disabledReason = NO_UNDEPLOY)
    void theCopyToUndeployDeploys() {
        deployer.deploy(DOOMED);
    }

    @Test
    @Order(3)
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = "payara", disabledReason = NO_UNDEPLOY)
    void anUndeploySendsEveryQueuedChatToASlowReaderBeforeThe1001(@ArquillianResource @OperateOnDeployment(DOOMED) URL doomed)
            throws Exception {
        ShutdownScenario.queuedChatsReachASlowReaderBeforeThe1001(ChatWar.root(doomed), () -> deployer.undeploy(DOOMED));
    }
}
