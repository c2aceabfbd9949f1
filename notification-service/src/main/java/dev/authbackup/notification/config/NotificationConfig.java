package dev.authbackup.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** notification-service settings: gateways, the credential sealing key, TOTP and push-approval limits. */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    Sms sms();

    Push push();

    /** Base64 of the 32-byte AES key that seals device-credential secrets; required. */
    String credentialKey();

    Totp totp();

    Approvals approvals();

    Codes codes();

    interface Sms {
        /** Base URL of the Twilio-style gateway; {@code /2010-04-01/Accounts/{sid}/Messages.json} is appended. */
        String url();

        String accountSid();

        String authToken();

        String from();

        @WithDefault("5s")
        Duration timeout();
    }

    interface Push {
        Apns apns();

        Fcm fcm();

        @WithDefault("5s")
        Duration timeout();
    }

    interface Apns {
        /** Base URL; {@code /3/device/{token}} is appended. */
        String url();

        String topic();

        String keyId();

        String teamId();

        /** PKCS#8 EC P-256 key (PEM or base64 DER); absent locally, where one is made at start-up. */
        Optional<String> privateKey();
    }

    interface Fcm {
        /** Base URL; {@code /v1/projects/{project}/messages:send} is appended. */
        String url();

        String project();

        String accessToken();
    }

    interface Totp {
        @WithDefault("Authenticator")
        String issuer();

        @WithDefault("6")
        int digits();

        @WithDefault("30s")
        Duration period();
    }

    interface Approvals {
        @WithDefault("2m")
        Duration validFor();

        /** At most this many unanswered, unexpired approvals per account. */
        @WithDefault("3")
        int maxOpen();

        /** At most this many pushes per account within {@link #window()}. */
        @WithDefault("10")
        int maxPushes();

        @WithDefault("10m")
        Duration window();
    }

    interface Codes {
        /** After this many wrong codes within {@link #failureWindow()}, verification answers 429. */
        @WithDefault("10")
        int maxFailures();

        @WithDefault("1h")
        Duration failureWindow();
    }
}
