package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.awaitStatus;
import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.StepUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Journey 2: a personal account that uses push needs step-up on a new phone — a password sign-in, the
 * alternate email typed in full, and the code mailed there — before the phone gets its own credential and
 * registers its own push key. alice set up phone A this way from her first phone's backup, then phone B:
 * both phones answer a sign-in approval, and their personal codes differ and are both accepted.
 */
class PersonalStepUpJourney {

    @Test
    void aPersonalPushEntryIsRestoredWithItsOwnCredentialAndPushKeyOnEachPhone() {
        long started = System.nanoTime();
        Phones.Person alice = Phones.newPerson("alice");
        AuthenticatorApp firstPhone = alice.on(Phones.phone("iphone-0", "ios"))
                .add(Phones.account("personal", "Authbackup", "alice", "personal", true))
                .add(Phones.account("google", "Google", "alice", "third_party", false));
        int version = firstPhone.backUp().expect(200, 201).body().get("version").asInt();
        String alternate = alice.username() + "@mail-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        new StepUp(firstPhone).confirmAlternateEmail(alternate);

        AuthenticatorApp phoneA = alice.on(Phones.phone("iphone-A", "ios"));
        long tookA = recoverWithStepUp(phoneA, version, alternate);
        AuthenticatorApp phoneB = alice.on(Phones.phone("iphone-B", "ios"));
        long tookB = recoverWithStepUp(phoneB, version, alternate);

        assertEquals(firstPhone.code("google"), phoneB.code("google"));
        // Each phone has its own personal credential: different codes, each accepted once, as that phone's.
        String codeA = phoneA.code("personal");
        String codeB = phoneB.code("personal");
        assertNotEquals(codeA, codeB);
        assertEquals(Map.of("valid", true, "deviceId", phoneA.deviceId()), verify(phoneB, codeA));
        assertEquals(Map.of("valid", true, "deviceId", phoneB.deviceId()), verify(phoneB, codeB));
        assertEquals(false, verify(phoneB, codeB).get("valid"));

        // A sign-in approval is pushed to both phones' keys; phone B approves it with a valid signature, and it is
        // then pending on neither phone.
        Answer approval = phoneB.http().call("POST", phoneB.endpoints().notification() + "/v1/push-approvals",
                phoneB.token(), null).expect(201);
        List<String> devices = new ArrayList<>();
        approval.body().get("devices").forEach(d -> devices.add(d.asText()));
        assertTrue(devices.containsAll(List.of(phoneA.deviceId(), phoneB.deviceId())), devices::toString);
        String id = approval.text("id");
        List<String> pendingOnA = new ArrayList<>();
        phoneA.pendingApprovals().expect(200).body().forEach(a -> pendingOnA.add(a.get("id").asText()));
        assertTrue(pendingOnA.contains(id), "pushed to phone A too: " + pendingOnA);
        assertEquals("approved", phoneB.answerApproval(id, true).expect(200).text("status"));
        phoneA.pendingApprovals().expect(200).body().forEach(a -> assertNotEquals(id, a.get("id").asText(),
                "approved on phone B, still pending on phone A"));
        System.out.printf("journey 2: %d ms in all; begin -> completed: phone A %d ms, phone B %d ms%n",
                (System.nanoTime() - started) / 1_000_000, tookA, tookB);
    }

    /** Recovers the personal push entry on {@code phone} with step-up; answers begin -> completed in ms. */
    private static long recoverWithStepUp(AuthenticatorApp phone, int version, String alternate) {
        long begin = System.nanoTime();
        String recovery = beginOnVersion(phone, version).get("id").asText();
        phone.download(recovery, Duration.ofSeconds(30));
        assertEquals(List.of("personal"), phone.pendingRefs());
        StepUp stepUp = new StepUp(phone);
        stepUp.verifyWithEmail(recovery, "personal", alternate, Duration.ofSeconds(20));
        // The credential first: once the push key completes the recovery, unused authorisations end.
        stepUp.issueCredential(recovery, "personal", Duration.ofSeconds(20));
        stepUp.registerPushKey(recovery, "personal", Duration.ofSeconds(20));
        JsonNode done = awaitStatus(phone, recovery, "completed");
        long took = (System.nanoTime() - begin) / 1_000_000;
        List<String> states = new ArrayList<>();
        done.get("entries").forEach(e -> states.add(e.get("ref").asText() + ":" + e.get("state").asText()));
        assertEquals(List.of("personal:restored", "google:restored"), states);
        assertTrue(phone.pendingRefs().isEmpty());
        return took;
    }

    private static Map<String, Object> verify(AuthenticatorApp phone, String code) {
        JsonNode answer = phone.http().call("POST", phone.endpoints().notification() + "/v1/codes/verify", phone.token(),
                Map.of("code", code)).expect(200).body();
        return answer.get("valid").asBoolean()
                ? Map.of("valid", true, "deviceId", answer.get("deviceId").asText())
                : Map.of("valid", false);
    }
}
