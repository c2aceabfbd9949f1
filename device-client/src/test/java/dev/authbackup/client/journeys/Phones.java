package dev.authbackup.client.journeys;

import dev.authbackup.client.Account;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.KeycloakSignIn;
import dev.authbackup.client.Totp;
import dev.authbackup.client.Vault;
import java.util.UUID;

/**
 * People, phones and accounts for the journeys: every run creates its own recovery accounts (through the
 * identity provider's registration form), new devices and new authenticator accounts, so journeys run side
 * by side and again within the hour without meeting each other or the per-account limits.
 */
final class Phones {

    private Phones() {
    }

    /** A recovery account of the identity provider: what a person signs in with on each phone. */
    record Person(String username, String password) {

        AuthenticatorApp on(AuthenticatorApp phone) {
            return phone.signIn(username, password);
        }
    }

    /** Registers a new recovery account named {@code name-<random>}. */
    static Person newPerson(String name) {
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        new KeycloakSignIn(Endpoints.local()).signUp(username, username + "@example.com", password);
        return new Person(username, password);
    }

    static AuthenticatorApp phone(String name, String platform) {
        return new AuthenticatorApp(Endpoints.local(), name + "-" + UUID.randomUUID().toString().substring(0, 8),
                platform);
    }

    /** A TOTP account with a random secret; usernames are unique per run so fingerprints never collide. */
    static Account account(String ref, String issuer, String user, String kind, boolean push) {
        return new Account(ref, issuer, user + "+" + UUID.randomUUID().toString().substring(0, 6) + "@example.com",
                Totp.base32Encode(Vault.randomKey()).substring(0, 32), kind, push);
    }

    /** alice's four accounts of the first journey: personal and work/school with push, Google and Facebook. */
    static AuthenticatorApp withAlicesAccounts(AuthenticatorApp phone) {
        return phone.add(account("personal", "Authbackup", "alice", "personal", true))
                .add(account("work", "Contoso", "alice", "work_school", true))
                .add(account("google", "Google", "alice", "third_party", false))
                .add(account("facebook", "Facebook", "alice", "third_party", false));
    }
}
