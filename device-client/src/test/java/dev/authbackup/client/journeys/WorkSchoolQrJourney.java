package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.awaitStatus;
import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Account;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.Http;
import dev.authbackup.client.StepUp;
import dev.authbackup.client.TenantAdmin;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Journey 3: alice's work/school account uses push, so her new phone needs the organisation's word: Contoso's
 * admin issues an activation code for her UPN, the phone reads it from the QR, registers its push key, and
 * the recovery completes. The code works once.
 */
class WorkSchoolQrJourney {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void aWorkSchoolPushEntryIsVerifiedWithTheAdminsQrCode() {
        long started = System.nanoTime();
        Phones.Person alice = Phones.newPerson("alice");
        String upn = alice.username() + "@contoso.example";
        AuthenticatorApp phoneA = alice.on(Phones.phone("iphone-A", "ios"))
                .add(new Account("work", "Contoso", upn, Phones.account("x", "x", "x", "x", false).secret(),
                        "work_school", true))
                .add(Phones.account("google", "Google", "alice", "third_party", false));
        int version = phoneA.backUp().expect(200, 201).body().get("version").asInt();

        AuthenticatorApp phoneB = alice.on(Phones.phone("iphone-B", "ios"));
        long begin = System.nanoTime();
        JsonNode recovery = beginOnVersion(phoneB, version);
        String id = recovery.get("id").asText();
        phoneB.download(id, Duration.ofSeconds(30));
        assertEquals(List.of("work"), phoneB.pendingRefs());

        TenantAdmin contoso = new TenantAdmin(Endpoints.local(), "contoso", "contoso-admin", "contoso-admin");
        Answer issued = contoso.issueActivationCode(upn).expect(201);
        assertTrue(issued.text("qrPayload").contains("code=" + issued.text("code")));
        Http.Bytes qr = contoso.qrImage(issued.text("id"));
        assertEquals(200, qr.status());
        assertEquals("image/png", qr.contentType());
        assertArrayEquals(PNG, Arrays.copyOf(qr.body(), 4));

        StepUp stepUp = new StepUp(phoneB);
        assertEquals("verified", stepUp.redeemActivation(id, "work", issued.text("qrPayload"), Duration.ofSeconds(20))
                .expect(200).text("status"));
        stepUp.registerPushKey(id, "work", Duration.ofSeconds(20));
        phoneB.restore("work", null);
        JsonNode done = awaitStatus(phoneB, id, "completed");
        long took = (System.nanoTime() - begin) / 1_000_000;
        done.get("entries").forEach(e -> assertEquals("restored", e.get("state").asText(), e.toString()));
        assertEquals(phoneA.code("work"), phoneB.code("work"));

        // Used once, the QR is dead: the admin's image is gone, and it verifies nothing else.
        assertEquals(410, contoso.qrImage(issued.text("id")).status());
        System.out.printf("journey 3: %d ms in all, begin -> completed %d ms%n",
                (System.nanoTime() - started) / 1_000_000, took);
    }
}
