package dev.authbackup.notification.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.notification.config.NotificationConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Apple Push Notification service adapter: HTTP/2 {@code POST {url}/3/device/{token}} with an ES256
 * provider token (JWT: kid = key id, iss = team id), renewed every 40 minutes as Apple asks.
 */
@ApplicationScoped
public class ApnsGateway {

    private static final Logger LOG = Logger.getLogger(ApnsGateway.class);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(40);

    private final WebClient client;
    private final NotificationConfig.Apns config;
    private final Duration timeout;
    private final ObjectMapper json;
    private final Clock clock;
    private final PrivateKey signingKey;
    private volatile String token;
    private volatile Instant tokenIssuedAt = Instant.EPOCH;

    public ApnsGateway(Vertx vertx, NotificationConfig config, ObjectMapper json, Clock clock) {
        // HTTP/2 as APNs requires: ALPN over TLS, h2c upgrade (falling back to HTTP/1.1) in a plain sandbox.
        this.client = WebClient.create(vertx, new WebClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setUseAlpn(true).setHttp2ClearTextUpgrade(true).setUserAgent("authbackup-notification"));
        this.config = config.push().apns();
        this.timeout = config.push().timeout();
        this.json = json;
        this.clock = clock;
        this.signingKey = loadKey(this.config.privateKey().orElse(""));
    }

    public Uni<Void> send(String deviceToken, PushMessage message) {
        Map<String, Object> payload = Map.of(
                "aps", Map.of("alert", Map.of("title", "Sign-in request", "body", "Approve or deny this sign-in."),
                        "category", "SIGN_IN_APPROVAL", "mutable-content", 1),
                "approvalId", message.approvalId().toString(),
                "challenge", message.challenge(),
                "expiresAt", message.expiresAt().toString());
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsBytes(payload));
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        return client.postAbs(config.url().replaceAll("/+$", "") + "/3/device/" + deviceToken)
                .putHeader("authorization", "bearer " + providerToken())
                .putHeader("apns-topic", config.topic())
                .putHeader("apns-push-type", "alert")
                .putHeader("apns-priority", "10")
                .putHeader("apns-expiration", Long.toString(message.expiresAt().getEpochSecond()))
                .putHeader("content-type", "application/json")
                .timeout(timeout.toMillis())
                .sendBuffer(body)
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("APNs answered " + response.statusCode());
                    }
                    return null;
                });
    }

    /** The cached provider token, renewed when it is older than {@link #TOKEN_LIFETIME}. */
    String providerToken() {
        Instant now = clock.instant();
        if (token == null || Duration.between(tokenIssuedAt, now).compareTo(TOKEN_LIFETIME) > 0) {
            synchronized (this) {
                if (token == null || Duration.between(tokenIssuedAt, now).compareTo(TOKEN_LIFETIME) > 0) {
                    token = sign(now);
                    tokenIssuedAt = now;
                }
            }
        }
        return token;
    }

    private String sign(Instant now) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + config.keyId() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String claims = url.encodeToString(("{\"iss\":\"" + config.teamId() + "\",\"iat\":" + now.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8));
        try {
            // JWS ES256 wants the raw r||s form (IEEE P1363), not DER.
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(signingKey);
            signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + url.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign the APNs provider token", e);
        }
    }

    private static PrivateKey loadKey(String configured) {
        try {
            if (configured.isBlank()) {
                LOG.warn("No APNs signing key configured (APNS_PRIVATE_KEY): using a key made at start-up, "
                        + "which only a sandbox accepts");
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair().getPrivate();
            }
            String base64 = configured.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (Exception e) {
            throw new IllegalStateException("notification.push.apns.private-key is not a PKCS#8 EC key", e);
        }
    }
}
