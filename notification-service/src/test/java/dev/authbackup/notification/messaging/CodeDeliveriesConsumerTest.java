package dev.authbackup.notification.messaging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.authbackup.notification.support.Gateways;
import dev.authbackup.notification.support.Mailbox;
import dev.authbackup.testsupport.TestMetrics;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * verification.code-deliveries through the real broker to a real SMTP server (GreenMail) and a real HTTP
 * SMS gateway (WireMock): one event, one message with the code; redelivery sends nothing more; transient
 * gateway failures are retried; permanent ones and poison are dead-lettered.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class CodeDeliveriesConsumerTest {

    private static final String TOPIC = "verification.code-deliveries";
    private static final String SMS_PATH = "/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json";
    private static KafkaCompanion kafka;

    @BeforeAll
    static void setUp() {
        TestDatabase.truncateAll();
        kafka = TestKafka.companion();
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    private static void send(ProducerRecord<String, String> record) {
        kafka.produceStrings().fromRecords(record).awaitCompletion(Duration.ofSeconds(10));
    }

    private static String code() {
        return String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    private static String phone() {
        return "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    private static String email() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
    }

    private static String delivery(String account, String channel, String to, String code, String purpose) {
        return """
                {"deliveryId":"%s","accountId":"%s","channel":"%s","to":"%s","code":"%s","purpose":"%s",
                 "expiresAt":"%s"}""".formatted(UUID.randomUUID(), account, channel, to, code, purpose,
                Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS));
    }

    private static List<LoggedRequest> smsTo(String number) {
        return Gateways.wireMock().find(postRequestedFor(urlPathEqualTo(SMS_PATH)).withFormParam("To", equalTo(number)));
    }

    /** Sends a marker delivery after the events under test and waits for it: everything before it was handled. */
    private static void drain(String account) {
        String marker = email();
        send(TestKafka.cloudEvent(TOPIC, account, "verification.code-delivery.v1",
                delivery(account, "email", marker, code(), "step_up")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.of(marker).size() == 1);
    }

    @Test
    void anEmailEventSendsExactlyOneMailWithTheCodeAndARedeliverySendsNothingMore() {
        String account = TestIssuer.token().accountId();
        String to = email();
        String code = code();
        String eventId = UUID.randomUUID().toString();
        String data = delivery(account, "email", to, code, "confirm_security_info");
        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1", data));
        await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.of(to).size() == 1);

        Mailbox.Mail mail = Mailbox.of(to).get(0);
        assertTrue(mail.text().contains(code), "the plain part carries the code");
        assertTrue(mail.text().contains("confirm your new security info"), "and names the purpose");
        assertTrue(mail.text().contains("expires in"), "and the expiry");
        assertNotNull(mail.html(), "an HTML part too");
        assertTrue(mail.html().contains(code));
        assertFalse(mail.text().contains(account) || mail.html().contains(account), "nothing about the account");

        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1", data));
        drain(account);
        assertEquals(1, Mailbox.of(to).size(), "the redelivered event sent nothing");
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
    }

    @Test
    void anSmsEventSendsExactlyOneMessageWithTheCodeAndARedeliverySendsNothingMore() {
        String account = TestIssuer.token().accountId();
        String to = phone();
        String code = code();
        String eventId = UUID.randomUUID().toString();
        String data = delivery(account, "sms", to, code, "step_up");
        double sent = TestMetrics.counter("authbackup_deliveries_sent_total", "channel=\"sms\"");
        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1", data));
        await().atMost(Duration.ofSeconds(30)).until(() -> smsTo(to).size() == 1);

        LoggedRequest sms = smsTo(to).get(0);
        assertTrue(sms.formParameters().get("Body").firstValue().contains(code));
        assertEquals("+15550100000", sms.formParameters().get("From").firstValue());
        assertEquals("Basic " + Base64.getEncoder().encodeToString(
                "AC00000000000000000000000000000000:local-sandbox-token".getBytes(StandardCharsets.UTF_8)),
                sms.getHeader("Authorization"));

        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1", data));
        drain(account);
        assertEquals(1, smsTo(to).size(), "the redelivered event sent nothing");
        // Other suites on this broker may deliver SMS too: the counter grew by at least this one.
        assertTrue(TestMetrics.counter("authbackup_deliveries_sent_total", "channel=\"sms\"") >= sent + 1);
    }

    @Test
    void aGatewayFailingOnceThenAcceptingDeliversExactlyOnce() {
        String account = TestIssuer.token().accountId();
        String to = phone();
        String scenario = "flaky-" + to;
        WireMock gateway = Gateways.wireMock();
        gateway.register(post(urlPathMatching(SMS_PATH)).withFormParam("To", equalTo(to)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        gateway.register(post(urlPathMatching(SMS_PATH)).withFormParam("To", equalTo(to)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM2\"}")));
        String eventId = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1",
                delivery(account, "sms", to, code(), "step_up")));

        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", eventId) == 1);
        drain(account);
        assertEquals(2, smsTo(to).size(), "one refused attempt, one accepted: the code went out once");
    }

    @Test
    void aPermanentlyFailingGatewayDeadLettersTheDeliveryAndCountsIt() {
        String account = TestIssuer.token().accountId();
        String to = phone();
        Gateways.wireMock().register(post(urlPathMatching(SMS_PATH)).withFormParam("To", equalTo(to)).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        double failed = TestMetrics.counter("authbackup_deliveries_failed_total", "channel=\"sms\"");
        var dlq = TestKafka.readFromStart(kafka, "notification-service.dlq", Duration.ofSeconds(60));
        String eventId = UUID.randomUUID().toString();
        String code = code();
        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1",
                delivery(account, "sms", to, code, "step_up")));

        await().atMost(Duration.ofSeconds(45)).until(() -> dlq.getRecords().stream()
                .anyMatch(r -> eventId.equals(TestKafka.header(r, "ce_id"))));
        dlq.stop();
        String deadLetter = dlq.getRecords().stream().filter(r -> eventId.equals(TestKafka.header(r, "ce_id")))
                .findFirst().orElseThrow().value();
        // Neither the code nor the number goes on to the dead-letter topic; what identifies the delivery does.
        assertFalse(deadLetter.contains(code), deadLetter);
        assertFalse(deadLetter.contains(to.substring(1)), deadLetter);
        assertTrue(deadLetter.contains("\"channel\":\"sms\"") && deadLetter.contains("\"redacted\":true"), deadLetter);
        assertEquals(4, smsTo(to).size(), "the first attempt and three retries");
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId),
                "a dead-lettered delivery is not recorded as done");
        assertTrue(TestMetrics.counter("authbackup_deliveries_failed_total", "channel=\"sms\"") >= failed + 1);
        drain(account); // the partition keeps flowing
    }

    @Test
    void aPoisonDeliveryIsDeadLetteredAtOnceAndThePartitionKeepsFlowing() {
        String account = TestIssuer.token().accountId();
        var dlq = TestKafka.readFromStart(kafka, "notification-service.dlq", Duration.ofSeconds(60));
        String eventId = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, account, eventId, "verification.code-delivery.v1",
                delivery(account, "pigeon", "somewhere", code(), "step_up")));
        drain(account);
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.getRecords().stream()
                .anyMatch(r -> eventId.equals(TestKafka.header(r, "ce_id"))));
        dlq.stop();
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
    }

    @Test
    void aNoticeGoesOutByEmailWithTheHintAndNoCode() {
        String account = TestIssuer.token().accountId();
        String to = email();
        send(TestKafka.cloudEvent(TOPIC, account, "verification.notice-delivery.v1", """
                {"deliveryId":"%s","accountId":"%s","channel":"email","to":"%s","notice":"security_info_added",
                 "proofHint":"+1 *** *** **67","at":"%s"}""".formatted(UUID.randomUUID(), account, to, Instant.now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.of(to).size() == 1);
        Mailbox.Mail mail = Mailbox.of(to).get(0);
        assertTrue(mail.text().contains("+1 *** *** **67"));
        assertTrue(mail.text().contains("was added"));
    }
}
