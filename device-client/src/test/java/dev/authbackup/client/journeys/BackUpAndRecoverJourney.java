package dev.authbackup.client.journeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Journey 1: alice backs up four accounts and her account order on iPhone A, signs in on iPhone B,
 * recovers, and has the same order and the same third-party codes; the personal and work/school
 * entries wait for their step-up. Runs against the platform of {@code ./platform up}.
 */
class BackUpAndRecoverJourney {

    @Test
    void aliceRecoversHerBackupOnANewIphone() {
        long started = System.nanoTime();
        Phones.Person alice = Phones.newPerson("alice");
        AuthenticatorApp phoneA = alice.on(Phones.withAlicesAccounts(Phones.phone("iphone-A", "ios")));
        phoneA.accountOrder(List.of("google", "personal", "facebook", "work"));
        Answer stored = phoneA.backUp().expect(200, 201);
        assertEquals(4, stored.body().get("entryCount").asInt());

        AuthenticatorApp phoneB = alice.on(Phones.phone("iphone-B", "ios"));
        JsonNode recovery = beginOnVersion(phoneB, stored.body().get("version").asInt());
        assertEquals("awaiting_download", recovery.get("status").asText());
        List<String> requirements = new ArrayList<>();
        recovery.get("entries").forEach(e -> requirements.add(e.get("ref").asText() + ":" + e.get("requirement").asText()));
        assertEquals(List.of("personal:verification", "work:verification", "google:none", "facebook:none"), requirements);

        String id = recovery.get("id").asText();
        phoneB.download(id, Duration.ofSeconds(30));
        assertEquals(List.of("google", "personal", "facebook", "work"), phoneB.accountOrder());
        assertEquals(phoneA.code("google"), phoneB.code("google"));
        assertEquals(phoneA.code("facebook"), phoneB.code("facebook"));
        assertEquals(List.of("personal", "work"), phoneB.pendingRefs());

        JsonNode after = awaitStatus(phoneB, id, "in_progress");
        List<String> states = new ArrayList<>();
        after.get("entries").forEach(e -> states.add(e.get("state").asText()));
        assertEquals(List.of("awaiting_verification", "awaiting_verification", "restored", "restored"), states);
        System.out.printf("journey 1: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    /** Begins a recovery of exactly {@code version} (see {@link AuthenticatorApp#beginRecoveryOf}). */
    static JsonNode beginOnVersion(AuthenticatorApp phone, int version) {
        return phone.beginRecoveryOf(version, Duration.ofSeconds(20)).expect(201).body();
    }

    static JsonNode awaitStatus(AuthenticatorApp phone, String recoveryId, String status) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> phone.recovery(recoveryId).expect(200).body(),
                        recovery -> status.equals(recovery.get("status").asText()));
    }
}
