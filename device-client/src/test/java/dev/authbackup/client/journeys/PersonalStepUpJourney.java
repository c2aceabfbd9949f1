package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.awaitStatus;
import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.StepUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Journey 2 (its core), as a spare local user: a personal account that uses push, so on the new phone it needs step-up — a
 * password sign-in, the alternate email typed in full, and the code mailed there — before the phone may
 * register its own push key; then the recovery completes.
 */
class PersonalStepUpJourney {

    @Test
    void aPersonalPushEntryIsRestoredAfterStepUpAndAProvenPushKey() {
        // Each run sends two codes; an account may be sent 5 an hour. A personal account of its own per run
        // (one of the local realm's spare users) keeps repeated runs under that limit.
        String user = String.format("bench-%02d", 9 + java.util.concurrent.ThreadLocalRandom.current().nextInt(8));
        long started = System.nanoTime();
        AuthenticatorApp phoneA = Phones.phone("iphone-A", "ios").signIn(user, user)
                .add(Phones.account("personal", "Authbackup", "alice", "personal", true))
                .add(Phones.account("google", "Google", "alice", "third_party", false));
        int version = phoneA.backUp().expect(200, 201).body().get("version").asInt();
        // A domain of its own, so that this run's proof is the one hinted as al******@<domain>.
        String alternate = "alice@journey-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        new StepUp(phoneA).confirmAlternateEmail(alternate);

        AuthenticatorApp phoneB = Phones.phone("iphone-B", "ios").signIn(user, user);
        long begin = System.nanoTime();
        String recovery = beginOnVersion(phoneB, version).get("id").asText();
        phoneB.download(recovery, Duration.ofSeconds(30));
        awaitStatus(phoneB, recovery, "in_progress");

        StepUp stepUp = new StepUp(phoneB);
        stepUp.verifyWithEmail(recovery, "personal", alternate, Duration.ofSeconds(20));
        assertNotNull(stepUp.registerPushKey(recovery, "personal", Duration.ofSeconds(20)));

        JsonNode done = awaitStatus(phoneB, recovery, "completed");
        List<String> states = new ArrayList<>();
        done.get("entries").forEach(e -> states.add(e.get("ref").asText() + ":" + e.get("state").asText()));
        assertEquals(List.of("personal:restored", "google:restored"), states);
        assertEquals(phoneA.code("google"), phoneB.code("google"));
        System.out.printf("journey 2 (core): %d ms in all, begin -> completed %d ms%n",
                (System.nanoTime() - started) / 1_000_000, (System.nanoTime() - begin) / 1_000_000);
    }
}
