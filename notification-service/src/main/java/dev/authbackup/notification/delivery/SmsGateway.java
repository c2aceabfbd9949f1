package dev.authbackup.notification.delivery;

import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.notification.config.NotificationConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Sends a text message through a Twilio-style Messages API: {@code POST {url}/2010-04-01/Accounts/{sid}/Messages.json}
 * with form fields {@code To}, {@code From}, {@code Body} and basic auth {@code sid:token}.
 *
 * <p>5xx, 429 and network failures are transient (retried); any other refusal is permanent.
 */
@ApplicationScoped
public class SmsGateway {

    private final WebClient client;
    private final NotificationConfig.Sms config;

    public SmsGateway(Vertx vertx, NotificationConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("authbackup-notification"));
        this.config = config.sms();
    }

    public Uni<Void> send(String to, String body) {
        String url = config.url().replaceAll("/+$", "") + "/2010-04-01/Accounts/"
                + URLEncoder.encode(config.accountSid(), StandardCharsets.UTF_8) + "/Messages.json";
        MultiMap form = MultiMap.caseInsensitiveMultiMap().add("To", to).add("From", config.from()).add("Body", body);
        return client.postAbs(url)
                .basicAuthentication(config.accountSid(), config.authToken())
                .timeout(config.timeout().toMillis())
                .sendForm(form)
                .onFailure().transform(e -> new TransientDeliveryException("SMS gateway unreachable: "
                        + e.getClass().getSimpleName()))
                .map(response -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return null;
                    }
                    if (status >= 500 || status == 429 || status == 408) {
                        throw new TransientDeliveryException("SMS gateway answered " + status);
                    }
                    // 400/401/403/404: a wrong number or wrong credentials never get better by retrying.
                    throw new PoisonEventException("SMS gateway refused the message with " + status);
                });
    }
}
