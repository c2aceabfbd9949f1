package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The device client as a command line: {@code demo} walks through a backup and a recovery on the running
 * platform, narrating each step; {@code backup USER} and {@code recover USER} do one side by hand.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "demo" -> demo(args.length > 1 ? args[1] : "alice");
                case "backup" -> backup(args[1]);
                case "recover" -> recover(args[1], null);
                default -> {
                    System.out.println("""
                            usage: device-client demo [USER]     back up on one phone, recover on another, narrated
                                   device-client backup USER     back up three sample accounts from a new phone
                                   device-client recover USER    begin a recovery on a new phone and download it
                            (local demo users: alice, bob; the password is the user name)""");
                    System.exit(command.equals("help") ? 0 : 2);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("✗ " + e.getMessage());
            System.exit(1);
        }
    }

    private static AuthenticatorApp phone(String name, String user) {
        say("%s signs in on %s at the identity provider (authorization code + PKCE)", user, name);
        String deviceId = name.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        return new AuthenticatorApp(Endpoints.local(), deviceId, "ios").signIn(user, user);
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
        say("Google code on iPhone A: %s", phone.code("google"));
        return stored;
    }

    private static void recover(String user, Integer version) {
        AuthenticatorApp phone = phone("iPhone B", user);
        Answer begun = version == null ? phone.beginRecovery() : phone.beginRecoveryOf(version, Duration.ofSeconds(20));
        if (begun.status() != 201) {
            say("recovery refused: %s — %s", begun.problem(), begun.text("detail"));
            return;
        }
        String id = begun.text("id");
        say("recovery %s begun for backup version %d", id, begun.body().get("backupVersion").asInt());
        begun.body().get("entries").forEach(e -> say("  %-10s %-12s needs %s", e.get("ref").asText(),
                e.get("kind").asText(), e.get("requirement").asText()));
        phone.download(id, Duration.ofSeconds(30));
        say("downloaded and decrypted on the phone; account order %s", phone.accountOrder());
        phone.accounts().forEach(a -> say("  restored %-10s code %s", a.ref(), phone.code(a.ref())));
        if (!phone.pendingRefs().isEmpty()) {
            say("  waiting for step-up or a device credential: %s", phone.pendingRefs());
        }
        say("recovery status: %s", phone.recovery(id).expect(200).text("status"));
    }

    private static void demo(String user) {
        recover(user, backup(user).get("version").asInt());
    }

    private static String secret() {
        return Totp.base32Encode(Vault.randomKey()).substring(0, 32);
    }

    private static void say(String format, Object... values) {
        System.out.println("• " + String.format(format, values));
    }
}
