package dev.authbackup.client.journeys;

import static dev.authbackup.client.journeys.BackUpAndRecoverJourney.beginOnVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.KeycloakSignIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Journey 4, the out-of-date backup: carol's backup has had no upload with a recent sign-in for longer than
 * the 30-day limit, so it shows {@code sign_in_required} (the app's red dot). Uploads and recoveries with
 * the sign-in her phones hold (older than 300 s) get the RFC 9470 sign-in challenge and change nothing;
 * after a fresh sign-in both work and the backup is current again.
 *
 * <p>Two things stand in for time passing. The 31 days: the journey moves the backup's last sign-in back
 * in backup-service's database (the only step outside the contract), and the local stack's maintenance
 * job, every 10 s, marks it out of date. The 300 s: a sign-in older than that is needed, and Keycloak keeps
 * a sign-in's {@code auth_time} across token refreshes. {@code ./platform test} signs carol in before its
 * long build stage and passes that sign-in as {@code -Dauthbackup.aged-sign-in=<token response file>};
 * without one, the journey signs carol in and waits until the sign-in is 300 s old.
 */
class OutOfDateBackupJourney {

    private static final Duration FRESH = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOutOfDateBackupNeedsAFreshSignInToUploadOrRecover() throws Exception {
        String agedRefreshToken = agedSignIn();
        AuthenticatorApp phoneA = Phones.phone("iphone-A", "ios").signIn("carol", "carol")
                .add(Phones.account("google", "Google", "carol", "third_party", false));
        int version = phoneA.backUp().expect(200, 201).body().get("version").asInt();
        String account = claims(phoneA.token()).get("sub").asText() + "@" + claims(phoneA.token()).get("iss").asText();
        age(account, Duration.ofDays(31));
        String backup = phoneA.endpoints().backup() + "/v1/backups/ios";
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(
                () -> phoneA.http().get(backup, phoneA.token()).expect(200).text("status"), "sign_in_required"::equals);

        // The phones hold a sign-in older than 300 s: refreshed tokens, as an app has after a while.
        KeycloakSignIn keycloak = new KeycloakSignIn(Endpoints.local());
        phoneA.useToken(keycloak.refresh(agedRefreshToken).accessToken());
        phoneA.add(Phones.account("github", "GitHub", "carol", "third_party", false));
        Answer upload = phoneA.backUp().expect(401);
        assertTrue(upload.header("WWW-Authenticate").contains("insufficient_user_authentication"), upload::toString);
        assertEquals(version, phoneA.http().get(backup, phoneA.token()).expect(200).body().get("version").asInt());

        AuthenticatorApp phoneB = Phones.phone("iphone-B", "ios").useToken(keycloak.refresh(agedRefreshToken).accessToken());
        Answer refused = phoneB.beginRecovery().expect(401);
        assertTrue(refused.header("WWW-Authenticate").contains("max_age=300"), refused::toString);
        assertTrue(refused.text("reason").contains("out of date"), refused::toString);

        // After a fresh sign-in on each phone: the recovery begins, the upload goes through, the red dot is gone.
        phoneB.signIn("carol", "carol");
        assertEquals(version, beginOnVersion(phoneB, version).get("backupVersion").asInt());
        phoneA.signIn("carol", "carol");
        JsonNode stored = phoneA.backUp().expect(200).body();
        assertEquals(version + 1, stored.get("version").asInt());
        assertEquals("current", stored.get("status").asText());
    }

    /** A refresh token of a carol sign-in at least 300 s old: handed over by ./platform test, or made here and waited for. */
    private static String agedSignIn() throws IOException {
        String file = System.getProperty("authbackup.aged-sign-in", "");
        JsonNode tokens;
        if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
            tokens = JSON.readTree(Files.readString(Path.of(file)));
        } else {
            KeycloakSignIn.Tokens signedIn = new KeycloakSignIn(Endpoints.local()).signIn("carol", "carol");
            tokens = JSON.createObjectNode().put("access_token", signedIn.accessToken())
                    .put("refresh_token", signedIn.refreshToken());
        }
        Instant authTime = Instant.ofEpochSecond(claims(tokens.get("access_token").asText()).get("auth_time").asLong());
        Instant aged = authTime.plus(FRESH).plusSeconds(2);
        Duration wait = Duration.between(Instant.now(), aged);
        if (!wait.isNegative()) {
            System.out.printf("out-of-date journey: waiting %d s until carol's sign-in is older than 300 s%n",
                    wait.toSeconds());
            await().pollInterval(Duration.ofSeconds(1)).atMost(wait.plusSeconds(5))
                    .until(() -> Instant.now().isAfter(aged));
        }
        return tokens.get("refresh_token").asText();
    }

    private static JsonNode claims(String jwt) throws IOException {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    /** Moves the last sign-in behind carol's ios backup back by {@code by}: what that much time would do. */
    private static void age(String account, Duration by) throws SQLException {
        String url = System.getProperty("authbackup.backup-jdbc-url", "jdbc:postgresql://127.0.0.1:5432/backup");
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
                PreparedStatement update = db.prepareStatement("UPDATE backup SET signed_in_at = signed_in_at - "
                        + "make_interval(days => ?) WHERE account_id = ? AND platform = 'ios'")) {
            update.setInt(1, (int) by.toDays());
            update.setString(2, account);
            assertEquals(1, update.executeUpdate());
        }
    }
}
