package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.StepUp;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Journey 6: someone guessing step-up codes burns the challenge after 5 wrong ones (the right code is then
 * worthless), and code sends stop at 5 per account and hour with 429 and {@code Retry-After}.
 */
class LimitsJourney {

    @Test
    void wrongCodesBurnTheChallengeAndSendsAreLimited() {
        Phones.Person alice = Phones.newPerson("alice");
        AuthenticatorApp phoneA = alice.on(Phones.phone("iphone-A", "ios"))
                .add(Phones.account("personal", "Authbackup", "alice", "personal", true));
        int version = phoneA.backUp().expect(200, 201).body().get("version").asInt();
        String alternate = alice.username() + "@mail-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        new StepUp(phoneA).confirmAlternateEmail(alternate);                                          // send 1

        AuthenticatorApp phoneB = alice.on(Phones.phone("iphone-B", "ios"));
        String recovery = beginOnVersion(phoneB, version).get("id").asText();
        phoneB.download(recovery, Duration.ofSeconds(30));
        StepUp stepUp = new StepUp(phoneB);
        Answer started = stepUp.start(recovery, "personal", "password_and_proof", Duration.ofSeconds(20)).expect(201);
        String verification = started.text("id");
        String proof = StepUp.proofHintedAs(started, alternate);
        int before = stepUp.mails(alternate);
        stepUp.sendCode(verification, proof, alternate).expect(202);                                   // send 2
        String code = stepUp.nextCode(alternate, before);
        String wrong = String.format("%08d", (Integer.parseInt(code) + 1) % 100_000_000);

        for (int remaining = 4; remaining >= 0; remaining--) {
            Answer refused = stepUp.submitCode(verification, wrong).expect(422);
            assertEquals("invalid-code", refused.problem());
            assertEquals(remaining, refused.body().get("attemptsRemaining").asInt());
        }
        Answer burned = stepUp.submitCode(verification, code).expect(410);
        assertEquals("verification-expired", burned.problem());

        // A new challenge for the same entry; sends 3, 4 and 5 go out, the sixth in the hour is refused.
        String again = stepUp.start(recovery, "personal", "password_and_proof", Duration.ofSeconds(20))
                .expect(201).text("id");
        for (int send = 3; send <= 5; send++) {
            stepUp.sendCode(again, proof, alternate).expect(202);
        }
        Answer limited = stepUp.sendCode(again, proof, alternate).expect(429);
        assertEquals("too-many-attempts", limited.problem());
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }
}
