package dev.authbackup.verification.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.Fixtures;
import dev.authbackup.verification.Fixtures.Entry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A one-time code exists only on the delivery topic (for notification-service) and as a keyed hash in
 * Redis: never in a log line, a response body, the audit table, any other table, or verification.events.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class CodeSecrecyTest {

    private static final List<String> LOG_LINES = Collections.synchronizedList(new ArrayList<>());
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                line.append(' ').append(Arrays.deepToString(record.getParameters()));
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(' ').append(trace);
            }
            LOG_LINES.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void setUp() {
        Fixtures.open();
        CAPTURE.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void tearDown() {
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    @Test
    void aCodeAppearsOnlyOnTheDeliveryTopic() {
        TestIssuer.Token alice = TestIssuer.token();
        List<String> bodies = new ArrayList<>();
        List<String> codes = new ArrayList<>();

        Response added = post(alice, "/v1/security-info", Map.of("type", "email", "value", "alice@example.com"), bodies);
        String proofId = added.path("id");
        String confirmCode = Fixtures.codeDelivery(alice.accountId(), 1).get("code").asText();
        codes.add(confirmCode);
        post(alice, "/v1/security-info/" + proofId + "/confirm", Map.of("code", Fixtures.wrongCode(confirmCode)),
                bodies);
        post(alice, "/v1/security-info/" + proofId + "/confirm", Map.of("code", confirmCode), bodies);
        bodies.add(given().header("Authorization", alice.bearer()).get("/v1/security-info").asString());

        UUID recovery = Fixtures.startRecovery(alice.accountId(), "dev-1", new Entry("p1", "personal", "verification"));
        Response started = post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                "deviceId", "dev-1", "method", "password_and_proof"), bodies);
        String id = started.path("id");
        post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", proofId, "value", "alice@example.com"), bodies);
        String stepUpCode = Fixtures.codeDelivery(alice.accountId(), 2).get("code").asText();
        codes.add(stepUpCode);
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", Fixtures.wrongCode(stepUpCode)), bodies);
        Response verified = post(alice, "/v1/verifications/" + id + "/code", Map.of("code", stepUpCode), bodies);
        assertEquals(200, verified.statusCode(), "the path went through: the checks below are about real codes");
        bodies.add(given().header("Authorization", alice.bearer()).get("/v1/verifications/" + id).asString());
        Fixtures.awaitEvent(alice.accountId(), "verification.succeeded.v1", id);

        // The capture works: it saw this verification's business log line...
        assertTrue(LOG_LINES.stream().anyMatch(l -> l.contains(id)), "the log capture saw the service's lines");
        for (String code : codes) {
            // ...and no code in any line, body, row or event.
            assertFalse(LOG_LINES.stream().anyMatch(l -> l.contains(code)), "a code in a log line");
            assertFalse(bodies.stream().anyMatch(b -> b.contains(code)), "a code in a response");
            for (String table : List.of("verification_audit", "verification", "security_info", "outbox_event")) {
                assertEquals(0, TestDatabase.count("SELECT count(*) FROM " + table + " t WHERE row_to_json(t)::text LIKE ?",
                        "%" + code + "%"), "a code in table " + table);
            }
            assertFalse(Fixtures.records(Fixtures.EVENTS, alice.accountId(), null).stream()
                    .anyMatch(r -> r.value().contains(code)), "a code on verification.events");
        }
        assertTrue(Fixtures.auditRows(6, "SELECT count(*) FROM verification_audit WHERE account_id = ?", alice.accountId()) >= 6,
                "every attempt is audited");
        // The proof value is not logged either, only hashed account ids.
        assertFalse(LOG_LINES.stream().anyMatch(l -> l.contains("alice@example.com") || l.contains(alice.accountId())));
    }

    private static Response post(TestIssuer.Token token, String path, Object body, List<String> bodies) {
        Response response = given().header("Authorization", token.bearer()).contentType("application/json")
                .body(body).post(path);
        bodies.add(response.asString());
        bodies.add(response.getHeaders().toString());
        return response;
    }
}
