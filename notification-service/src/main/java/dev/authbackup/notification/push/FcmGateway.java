package dev.authbackup.notification.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.notification.config.NotificationConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Firebase Cloud Messaging HTTP v1 adapter: {@code POST {url}/v1/projects/{project}/messages:send} with an
 * OAuth bearer token from config, a data message the app turns into the approval prompt.
 */
@ApplicationScoped
public class FcmGateway {

    private final WebClient client;
    private final NotificationConfig.Fcm config;
    private final NotificationConfig.Push push;
    private final ObjectMapper json;

    public FcmGateway(Vertx vertx, NotificationConfig config, ObjectMapper json) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("authbackup-notification"));
        this.config = config.push().fcm();
        this.push = config.push();
        this.json = json;
    }

    public Uni<Void> send(String deviceToken, PushMessage message) {
        Map<String, Object> payload = Map.of("message", Map.of(
                "token", deviceToken,
                "notification", Map.of("title", "Sign-in request", "body", "Approve or deny this sign-in."),
                "data", Map.of("approvalId", message.approvalId().toString(), "challenge", message.challenge(),
                        "expiresAt", message.expiresAt().toString()),
                "android", Map.of("priority", "high")));
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsBytes(payload));
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        return client.postAbs(config.url().replaceAll("/+$", "") + "/v1/projects/" + config.project() + "/messages:send")
                .bearerTokenAuthentication(config.accessToken())
                .putHeader("content-type", "application/json")
                .timeout(push.timeout().toMillis())
                .sendBuffer(body)
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("FCM answered " + response.statusCode());
                    }
                    return null;
                });
    }
}
