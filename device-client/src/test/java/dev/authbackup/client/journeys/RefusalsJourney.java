package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Journey 4: recovery refuses precisely — accounts already on the device, a backup only on the other
 * platform, a deleted backup (until it is undeleted) — and bob sees nothing of alice's. The out-of-date
 * backup is {@link OutOfDateBackupJourney}.
 */
class RefusalsJourney {

    @Test
    void aDeviceThatAlreadyHoldsABackedUpAccountIsToldWhichAndNothingChanges() {
        Phones.Person alice = Phones.newPerson("alice");
        AuthenticatorApp phoneA = alice.on(Phones.withAlicesAccounts(Phones.phone("iphone-A", "ios")));
        int version = phoneA.backUp().expect(200, 201).body().get("version").asInt();
        AuthenticatorApp phoneB = alice.on(Phones.phone("iphone-B", "ios"));
        phoneB.add(phoneA.account("google"));
        phoneB.add(Phones.account("github", "GitHub", "alice", "third_party", false));

        // Until recovery-service has seen this upload it decides on the version before, which lacks the
        // duplicate: a recovery begun on it is cancelled, as the user would.
        Answer refused = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Answer begun = phoneB.beginRecovery();
                    if (begun.status() == 201) {
                        phoneB.cancel(begun.text("id")).expect(204);
                    }
                    return begun;
                }, answer -> answer.status() == 409);
        assertEquals("existing-accounts", refused.problem());
        assertEquals(List.of("google"), texts(refused.body().get("conflicts")));
        assertEquals(2, phoneB.accounts().size());

        // Without the duplicate the same device recovers.
        AuthenticatorApp phoneC = alice.on(Phones.phone("iphone-C", "ios"));
        phoneC.add(Phones.account("github", "GitHub", "alice", "third_party", false));
        assertEquals(version, beginOnVersion(phoneC, version).get("backupVersion").asInt());
    }

    @Test
    void anIosBackupCannotBeRecoveredOnAndroid() {
        Phones.Person alice = Phones.newPerson("alice");
        AuthenticatorApp iphone = alice.on(Phones.withAlicesAccounts(Phones.phone("iphone-A", "ios")));
        iphone.backUp().expect(200, 201);
        AuthenticatorApp pixel = alice.on(Phones.phone("pixel-B", "android"));
        Answer refused = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(pixel::beginRecovery, answer -> "backup-on-other-platform".equals(answer.problem()));
        assertEquals(404, refused.status());
        assertEquals(List.of("ios"), texts(refused.body().get("availablePlatforms")));
    }

    @Test
    void aDeletedBackupIsNotRecoverableUntilItIsUndeleted() {
        Phones.Person bob = Phones.newPerson("bob");
        AuthenticatorApp tablet = bob.on(Phones.withAlicesAccounts(Phones.phone("ipad-A", "ios")));
        int version = tablet.backUp().expect(200, 201).body().get("version").asInt();
        String backups = tablet.endpoints().backup() + "/v1/backups/ios";
        tablet.http().call("DELETE", backups, tablet.token(), null).expect(204);

        AuthenticatorApp phone = bob.on(Phones.phone("iphone-B", "ios"));
        Answer refused = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(phone::beginRecovery, answer -> "no-backup".equals(answer.problem()));
        assertEquals(404, refused.status());

        tablet.http().call("POST", backups + "/restore", tablet.token(), null).expect(200);
        JsonNode recovery = beginOnVersion(phone, version);
        assertEquals("awaiting_download", recovery.get("status").asText());
    }

    @Test
    void bobSeesNothingOfAlices() {
        Phones.Person alicePerson = Phones.newPerson("alice");
        AuthenticatorApp alice = alicePerson.on(Phones.withAlicesAccounts(Phones.phone("iphone-A", "ios")));
        int version = alice.backUp().expect(200, 201).body().get("version").asInt();
        AuthenticatorApp alicesNewPhone = alicePerson.on(Phones.phone("iphone-B", "ios"));
        String recovery = beginOnVersion(alicesNewPhone, version).get("id").asText();
        // Once alice has downloaded, backup-service knows the recovery: bob's guess is refused, not "not ready".
        alicesNewPhone.download(recovery, Duration.ofSeconds(30));

        AuthenticatorApp bob = Phones.newPerson("bob").on(Phones.phone("iphone-B", "ios"));
        assertEquals(404, bob.recovery(recovery).status());
        assertEquals("no-release", bob.http().get(bob.endpoints().backup() + "/v1/backups/ios/content?recoveryId="
                + recovery, bob.token()).problem());
        assertEquals(404, bob.http().call("DELETE", bob.endpoints().recovery() + "/v1/recoveries/" + recovery,
                bob.token(), null).status());
        assertEquals(recovery, alicesNewPhone.recovery(recovery).expect(200).text("id"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
