package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The device client as a command line: {@code demo} walks through the first three journeys on the running
 * platform (back up, recover on a new phone, step-up for the personal and the work/school account),
 * narrating each step as the app's screens would; {@code backup USER} and {@code recover USER} do one side
 * by hand.
 */
public final class Main {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "demo" -> demo(args.length > 1 ? args[1] : null);
                case "backup" -> backup(args[1]);
                case "recover" -> recover(args[1]);
                default -> {
                    System.out.println("""
                            usage: device-client demo [USER]     back up on phone A, recover on phone B with step-up, narrated
                                                                 (without USER: a new recovery account is registered)
                                   device-client backup USER     back up three sample accounts from a new phone
                                   device-client recover USER    begin a recovery on a new phone and download it
                            (local users: alice, bob, carol; contoso-admin is Contoso's admin; password = user name)""");
                    System.exit(command.equals("help") ? 0 : 2);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("✗ " + e.getMessage());
            System.exit(1);
        }
    }

    private static String deviceId(String name) {
        return name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static AuthenticatorApp phone(String name, String user) {
        say("%s: %s signs in at the identity provider (authorization code + PKCE)", name, user);
        return new AuthenticatorApp(Endpoints.local(), deviceId(name), "ios").signIn(user, user);
    }

    private static JsonNode backup(String user) {
        AuthenticatorApp phone = phone("iPhone A", user);
        phone.add(new Account("personal", "Authbackup", user + "@example.com", secret(), "personal", true))
                .add(new Account("google", "Google", user + "@gmail.example", secret(), "third_party", false))
                .add(new Account("facebook", "Facebook", user, secret(), "third_party", false));
        phone.accountOrder(List.of("google", "personal", "facebook"));
        JsonNode stored = phone.backUp().expect(200, 201).body();
        say("backed up %d accounts, encrypted on the phone: version %d (%s)", stored.get("entryCount").asInt(),
                stored.get("version").asInt(), stored.get("status").asText());
        return stored;
    }

    private static void recover(String user) {
        AuthenticatorApp phone = phone("iPhone B", user);
        Answer begun = phone.beginRecovery();
        if (begun.status() != 201) {
            say("recovery refused: %s — %s", begun.problem(), begun.text("detail"));
            return;
        }
        String id = begun.text("id");
        listEntries(begun);
        phone.download(id, PATIENCE);
        say("downloaded and decrypted on the phone; account order %s", phone.accountOrder());
        phone.accounts().forEach(a -> say("  restored %-10s code %s", a.ref(), phone.code(a.ref())));
        if (!phone.pendingRefs().isEmpty()) {
            say("  waiting for step-up or a device credential: %s", phone.pendingRefs());
        }
        say("recovery status: %s", phone.recovery(id).expect(200).text("status"));
    }

    /** Journeys 1-3 as the app's screens would show them. */
    private static void demo(String givenUser) {
        long started = System.nanoTime();
        String user = givenUser;
        String password = givenUser;
        Endpoints endpoints = Endpoints.local();
        title("Back up (iPhone A)");
        AuthenticatorApp phoneA = new AuthenticatorApp(endpoints, deviceId("iPhone A"), "ios");
        if (user == null) {
            user = "alice-" + UUID.randomUUID().toString().substring(0, 6);
            password = UUID.randomUUID().toString();
            say("iPhone A: \"Create recovery account\" → %s registers at the identity provider", user);
            phoneA.signUp(user, user + "@example.com", password);
        } else {
            say("iPhone A: %s signs in at the identity provider (authorization code + PKCE)", user);
            phoneA.signIn(user, password);
        }
        String upn = user + "@contoso.example";
        phoneA.add(new Account("personal", "Authbackup", user + "@example.com", secret(), "personal", true))
                .add(new Account("work", "Contoso", upn, secret(), "work_school", true))
                .add(new Account("google", "Google", user + "@gmail.example", secret(), "third_party", false))
                .add(new Account("facebook", "Facebook", user, secret(), "third_party", false));
        phoneA.accountOrder(List.of("google", "personal", "work", "facebook"));
        say("Accounts: %s", phoneA.accountOrder());
        String alternate = user + "@mail-" + UUID.randomUUID().toString().substring(0, 6) + ".example";
        new StepUp(phoneA).confirmAlternateEmail(alternate);
        say("Security info: alternate email %s confirmed with the code mailed to it", alternate);
        JsonNode stored = phoneA.backUp().expect(200, 201).body();
        say("\"Back up now\" → version %d, %d accounts encrypted on the phone; the server holds ciphertext only",
                stored.get("version").asInt(), stored.get("entryCount").asInt());

        title("Recover (iPhone B)");
        AuthenticatorApp phoneB = new AuthenticatorApp(endpoints, deviceId("iPhone B"), "ios").signIn(user, password);
        say("iPhone B: %s signs in with the password (a fresh sign-in)", user);
        long begin = System.nanoTime();
        Answer begun = phoneB.beginRecoveryOf(stored.get("version").asInt(), Duration.ofSeconds(20)).expect(201);
        String id = begun.text("id");
        say("\"Begin recovery\" → recovery %s", id);
        listEntries(begun);
        phoneB.download(id, PATIENCE);
        say("Downloaded and decrypted; account order %s", phoneB.accountOrder());
        for (Account account : phoneB.accounts()) {
            say("  %-9s restored, code %s (iPhone A shows %s)", account.ref(), phoneB.code(account.ref()),
                    phoneA.code(account.ref()));
        }

        title("Verify your personal account");
        StepUp stepUp = new StepUp(phoneB);
        stepUp.verifyWithEmail(id, "personal", alternate, PATIENCE);
        say("Typed the full alternate email against its hint; entered the 8-digit code from the mailbox → verified");
        stepUp.issueCredential(id, "personal", PATIENCE);
        say("This phone's own credential for the personal account: code %s (iPhone A: %s)", phoneB.code("personal"),
                phoneA.code("personal"));
        say("Push key registered (EC P-256, proved with a signed nonce): %s", stepUp.registerPushKey(id, "personal", PATIENCE));

        title("Verify your work account (Contoso)");
        TenantAdmin contoso = new TenantAdmin(endpoints, "contoso", "contoso-admin", "contoso-admin");
        Answer issued = contoso.issueActivationCode(upn).expect(201);
        say("Contoso's admin issues an activation code for %s; the QR (%d-byte PNG) carries %s", upn,
                contoso.qrImage(issued.text("id")).body().length, issued.text("qrPayload").replaceAll("code=\\d+", "code=…"));
        stepUp.redeemActivation(id, "work", issued.text("qrPayload"), PATIENCE).expect(200);
        say("Scanned the QR → verified");
        say("Push key registered: %s", stepUp.registerPushKey(id, "work", PATIENCE));
        phoneB.restore("work", null);

        JsonNode done = awaitCompleted(phoneB, id);
        long took = (System.nanoTime() - begin) / 1_000_000;
        title("Recovery complete");
        done.get("entries").forEach(e -> say("  %-9s %s", e.get("ref").asText(), e.get("state").asText()));
        Answer approval = phoneB.http().call("POST", endpoints.notification() + "/v1/push-approvals", phoneB.token(), null)
                .expect(201);
        say("A sign-in approval is pushed to %s; iPhone B answers: %s", approval.body().get("devices"),
                phoneB.answerApproval(approval.text("id"), true).expect(200).text("status"));
        say("begin → completed in %d ms; the whole demo in %d ms", took, (System.nanoTime() - started) / 1_000_000);
    }

    private static JsonNode awaitCompleted(AuthenticatorApp phone, String id) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode recovery = phone.recovery(id).expect(200).body();
        while (!"completed".equals(recovery.get("status").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("recovery " + id + " is still " + recovery.get("status").asText());
            }
            AuthenticatorApp.pause(Duration.ofMillis(200));
            recovery = phone.recovery(id).expect(200).body();
        }
        return recovery;
    }

    private static void listEntries(Answer begun) {
        begun.body().get("entries").forEach(e -> say("  %-9s %-12s needs %s", e.get("ref").asText(),
                e.get("kind").asText(), e.get("requirement").asText()));
    }

    private static String secret() {
        return Totp.base32Encode(Vault.randomKey()).substring(0, 32);
    }

    private static void title(String screen) {
        System.out.println();
        System.out.println("── " + screen + " " + "─".repeat(Math.max(0, 60 - screen.length())));
    }

    private static void say(String format, Object... values) {
        System.out.println("• " + String.format(format, values));
    }
}
