import dev.authbackup.client.Account;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.StepUp;
import dev.authbackup.client.Totp;
import dev.authbackup.client.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Set-up of {@code ./platform bench stepup}: {@code --people} people, each with a live step-up code, made through
 * the public API with the device client. Each signs up, confirms an alternate email, backs up a personal push
 * account, begins a recovery on a new phone, starts a {@code password_and_proof} verification and types the full
 * email, so that a code is mailed and live. Prints one line per person: {@code <username> <password>
 * <verification id>}; the benchmark signs them in again for fresh tokens (tokens live 5 minutes) and drives
 * {@code POST /v1/verifications/{id}/code} with wrong codes through wrk ({@code bench/stepup-code.wrk.lua}).
 *
 * <p>Run by {@code ./platform bench stepup}: {@code java -cp <device-client classes + lib>
 * bench/StepUpChallenges.java --people 8}.
 */
public class StepUpChallenges {

    record Challenge(String user, String password, String verificationId) {
    }

    public static void main(String[] args) throws Exception {
        int people = args.length == 2 && args[0].equals("--people") ? Integer.parseInt(args[1]) : 8;
        List<Challenge> challenges = Collections.synchronizedList(new ArrayList<>());
        List<Thread> setups = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            Thread setup = new Thread(() -> challenges.add(challenge()));
            setups.add(setup);
            setup.start();
        }
        for (Thread setup : setups) {
            setup.join();
        }
        if (challenges.size() < people) {
            throw new IllegalStateException("only " + challenges.size() + " of " + people + " people were set up");
        }
        for (Challenge challenge : challenges) {
            System.out.println(challenge.user() + " " + challenge.password() + " " + challenge.verificationId());
        }
    }

    /** One person with a live step-up code: who may submit codes (username and password) and for which verification. */
    static Challenge challenge() {
        String user = "stepup-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        AuthenticatorApp first = new AuthenticatorApp(Endpoints.local(), "first-" + user, "ios")
                .signUp(user, user + "@example.com", password)
                .add(new Account("personal", "Authbackup", user + "@authbackup.example",
                        Totp.base32Encode(Vault.randomKey()).substring(0, 32), "personal", true));
        String alternate = user + "@mail.example";
        new StepUp(first).confirmAlternateEmail(alternate);
        int version = first.backUp().expect(200, 201).body().get("version").asInt();
        AuthenticatorApp phone = new AuthenticatorApp(Endpoints.local(), "new-" + user, "ios").useToken(first.token());
        String recovery = phone.beginRecoveryOf(version, Duration.ofSeconds(30)).expect(201).text("id");
        StepUp stepUp = new StepUp(phone);
        Answer started = stepUp.start(recovery, "personal", "password_and_proof", Duration.ofSeconds(30)).expect(201);
        String verification = started.text("id");
        stepUp.sendCode(verification, StepUp.proofHintedAs(started, alternate), alternate).expect(202);
        return new Challenge(user, password, verification);
    }
}
