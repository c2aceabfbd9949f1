package dev.authbackup.notification.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The service's real network peers for @QuarkusTests, in this JVM on free ports: GreenMail (SMTP, read
 * back over IMAP) and WireMock (the Twilio-style SMS gateway, APNs, FCM). Tests reach them through
 * {@link Mailbox} and {@link #wireMock()}, which find the ports in system properties (shared by every
 * class loader of the test JVM).
 */
public class Gateways implements QuarkusTestResourceLifecycleManager {

    private static final String SMTP_PORT = "test-gateways.smtp-port";
    private static final String IMAP_PORT = "test-gateways.imap-port";
    private static final String HTTP_PORT = "test-gateways.http-port";

    private GreenMail mail;
    private WireMockServer http;

    @Override
    public Map<String, String> start() {
        int smtp = freePort();
        int imap = freePort();
        mail = new GreenMail(new ServerSetup[] {
                new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(imap, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        http = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        http.start();
        // Defaults: every gateway accepts, as the real ones do on a good day; tests add their own stubs.
        http.stubFor(post(urlPathMatching("/2010-04-01/Accounts/[^/]+/Messages\\.json")).atPriority(10)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SM0001\",\"status\":\"queued\"}")));
        http.stubFor(post(urlPathMatching("/push/(apns|fcm)/.*")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{}")));
        System.setProperty(SMTP_PORT, Integer.toString(smtp));
        System.setProperty(IMAP_PORT, Integer.toString(imap));
        System.setProperty(HTTP_PORT, Integer.toString(http.port()));
        String base = "http://127.0.0.1:" + http.port();
        return Map.of(
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(smtp),
                "notification.sms.url", base,
                "notification.push.apns.url", base + "/push/apns",
                "notification.push.fcm.url", base + "/push/fcm");
    }

    @Override
    public void stop() {
        if (http != null) {
            http.stop();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /** A client of the WireMock server's admin API: stubs and the request journal. */
    public static WireMock wireMock() {
        return new WireMock("127.0.0.1", Integer.parseInt(System.getProperty(HTTP_PORT)));
    }

    static int imapPort() {
        return Integer.parseInt(System.getProperty(IMAP_PORT));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
