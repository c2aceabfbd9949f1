package dev.authbackup.client.journeys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Journey 5: the answer to an upload or to a recovery begin is lost and the app sends the same request
 * again with the same Idempotency-Key: no second version, no second recovery, the same answer.
 */
class FlakyNetworkJourney {

    @Test
    void retriedUploadsAndBeginsChangeNothingTwice() {
        Phones.Person bob = Phones.newPerson("bob");
        AuthenticatorApp phone = bob.on(Phones.withAlicesAccounts(Phones.phone("iphone-A", "ios")));
        AuthenticatorApp.Upload upload = phone.prepareBackUp();
        String key = UUID.randomUUID().toString();
        Answer first = phone.send(upload, key).expect(200, 201);
        Answer retried = phone.send(upload, key).expect(first.status());
        assertEquals(first.body().get("version"), retried.body().get("version"));
        assertEquals(first.header("ETag"), retried.header("ETag"));
        int version = first.body().get("version").asInt();
        assertEquals(version, phone.http().get(phone.endpoints().backup() + "/v1/backups/ios", phone.token())
                .expect(200).body().get("version").asInt());

        AuthenticatorApp newPhone = bob.on(Phones.phone("iphone-B", "ios"));
        String recovery = newPhone.beginRecoveryOf(version, Duration.ofSeconds(20)).expect(201).text("id");
        newPhone.cancel(recovery).expect(204);
        String beginKey = UUID.randomUUID().toString();
        Answer begun = newPhone.beginRecovery(beginKey).expect(201);
        Answer again = newPhone.beginRecovery(beginKey).expect(201);
        assertEquals(begun.text("id"), again.text("id"));
        // Without the key, the second begin is what it is: a second recovery on a busy device, refused.
        assertEquals("recovery-in-progress", newPhone.beginRecovery().problem());
    }
}
