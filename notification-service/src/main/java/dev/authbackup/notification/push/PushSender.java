package dev.authbackup.notification.push;

import dev.authbackup.notification.domain.NotificationMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Sends one push through the device's provider; a failed push is counted and logged, never fatal. */
@ApplicationScoped
public class PushSender {

    private static final Logger LOG = Logger.getLogger(PushSender.class);

    private final ApnsGateway apns;
    private final FcmGateway fcm;
    private final NotificationMetrics metrics;

    public PushSender(ApnsGateway apns, FcmGateway fcm, NotificationMetrics metrics) {
        this.apns = apns;
        this.fcm = fcm;
        this.metrics = metrics;
    }

    /** A push target: a key's provider and device token. */
    public record Target(UUID keyId, String deviceId, String provider, String token) {
    }

    /** Answers whether the provider accepted the push. */
    public Uni<Boolean> send(Target target, PushMessage message) {
        Uni<Void> send;
        try {
            send = "apns".equals(target.provider()) ? apns.send(target.token(), message) : fcm.send(target.token(), message);
        } catch (RuntimeException e) {
            send = Uni.createFrom().failure(e);
        }
        return send.map(ok -> {
            metrics.push(target.provider(), "sent");
            return true;
        }).onFailure().recoverWithItem(e -> {
            metrics.push(target.provider(), "failed");
            LOG.warnf("Push for approval %s to key %s (%s) failed: %s", message.approvalId(), target.keyId(),
                    target.provider(), e.getMessage());
            return false;
        });
    }
}
