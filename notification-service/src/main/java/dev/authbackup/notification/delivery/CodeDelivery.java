package dev.authbackup.notification.delivery;

import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.notification.domain.NotificationMetrics;
import dev.authbackup.notification.messaging.CodeDeliveries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Delivers verification-service's one-time codes and notices by email or SMS. The message names the
 * purpose, the code and its expiry, nothing else about the account; logs name the channel and the
 * delivery id, never the code or the address.
 */
@ApplicationScoped
public class CodeDelivery {

    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    private static final Logger LOG = Logger.getLogger(CodeDelivery.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final EmailSender email;
    private final SmsGateway sms;
    private final NotificationMetrics metrics;
    private final Clock clock;

    public CodeDelivery(EmailSender email, SmsGateway sms, NotificationMetrics metrics, Clock clock) {
        this.email = email;
        this.sms = sms;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<Void> deliver(CodeDeliveries.Code code) {
        if (code.deliveryId() == null || code.to() == null || code.to().isBlank() || code.code() == null
                || code.expiresAt() == null) {
            throw new PoisonEventException(CodeDeliveries.CODE + " without delivery id, address, code or expiry");
        }
        String purpose = purpose(code.purpose());
        long minutes = Math.max(1, Duration.between(clock.instant(), code.expiresAt()).toMinutes());
        Uni<Void> send = switch (channel(code.channel())) {
            case EMAIL -> email.send(email.codeMail(code.to(), Map.of("purpose", purpose, "code", code.code(),
                    "minutes", minutes, "expiresAt", TIME.format(code.expiresAt()))));
            default -> sms.send(code.to(), "Your Authenticator code is " + code.code() + ". Use it to " + purpose
                    + ". It expires in " + minutes + " min (" + TIME.format(code.expiresAt()) + ").");
        };
        return sent(send, code.channel(), code.deliveryId(), code.accountId(), code.purpose());
    }

    public Uni<Void> deliver(CodeDeliveries.Notice notice) {
        if (notice.deliveryId() == null || notice.to() == null || notice.to().isBlank() || notice.notice() == null) {
            throw new PoisonEventException(CodeDeliveries.NOTICE + " without delivery id, address or notice");
        }
        String what = switch (notice.notice()) {
            case "security_info_added" -> "A new email or phone was added to your security info";
            case "security_info_removed" -> "An email or phone was removed from your security info";
            default -> throw new PoisonEventException("unknown notice " + notice.notice());
        };
        String hint = notice.proofHint() == null ? "hidden" : notice.proofHint();
        String at = TIME.format(notice.at() == null ? clock.instant() : notice.at());
        Uni<Void> send = switch (channel(notice.channel())) {
            case EMAIL -> email.send(email.noticeMail(notice.to(),
                    Map.of("notice", what, "proofHint", hint, "at", at)));
            default -> sms.send(notice.to(), "Authenticator: " + what + " (" + hint + ") at " + at
                    + ". Not you? Review your security info.");
        };
        return sent(send, notice.channel(), notice.deliveryId(), notice.accountId(), notice.notice());
    }

    private Uni<Void> sent(Uni<Void> send, String channel, String deliveryId, String accountId, String what) {
        return send.invoke(() -> {
            metrics.deliverySent(channel);
            LOG.infof("Delivered %s by %s: %s delivery=%s", what, channel,
                    accountId == null ? "-" : AccountId.logId(accountId), deliveryId);
        }).onFailure().invoke(e -> LOG.warnf("Delivery %s by %s failed: %s", deliveryId, channel, e.getMessage()));
    }

    private static String channel(String channel) {
        if (!EMAIL.equals(channel) && !SMS.equals(channel)) {
            throw new PoisonEventException("unknown delivery channel");
        }
        return channel;
    }

    private static String purpose(String purpose) {
        return switch (purpose == null ? "" : purpose) {
            case "confirm_security_info" -> "confirm your new security info";
            case "step_up" -> "verify it is you and restore your account on a new device";
            default -> throw new PoisonEventException("unknown delivery purpose");
        };
    }

    /** The channel named by a raw payload, for counting a dead letter whose data may not even parse. */
    public static String channelOf(com.fasterxml.jackson.databind.JsonNode data) {
        String channel = data == null || data.get("channel") == null ? null : data.get("channel").asText();
        return EMAIL.equals(channel) || SMS.equals(channel) ? channel : "unknown";
    }
}
