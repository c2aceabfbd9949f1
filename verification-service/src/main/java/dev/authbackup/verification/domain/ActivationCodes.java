package dev.authbackup.verification.domain;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.verification.config.VerificationConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.jboss.logging.Logger;

/**
 * Activation codes for work/school entries, issued by a tenant's provider-admin for one UPN: 12 digits
 * (about 40 bits), valid for a short time, single use, revocable. The QR code carries
 * {@code otpauth-recovery://activate?tenant=…&upn=…&code=…&url=…}.
 */
@ApplicationScoped
public class ActivationCodes {

    private static final Logger LOG = Logger.getLogger(ActivationCodes.class);
    public static final int DIGITS = 12;
    public static final String QR_SCHEME = "otpauth-recovery://activate";

    private final VerificationConfig config;
    private final CodeCrypto crypto;
    private final Audit audit;
    private final Clock clock;

    public ActivationCodes(VerificationConfig config, CodeCrypto crypto, Audit audit, Clock clock) {
        this.config = config;
        this.crypto = crypto;
        this.audit = audit;
        this.clock = clock;
        ImageIO.setUseCache(false); // render PNGs in memory, never through a temporary file
    }

    /** A code as issued: the only moment the code itself is returned. */
    public record Issued(UUID id, String tenant, String upn, String code, String url, String qrPayload,
            OffsetDateTime expiresAt) {
    }

    public Uni<Issued> issue(AccountId admin, String tenant, String rawUpn) {
        String upn = rawUpn.trim().toLowerCase(Locale.ROOT);
        OffsetDateTime now = now();
        String code = crypto.digits(DIGITS);
        String url = config.publicUrl().replaceAll("/+$", "") + "/v1/verifications";
        String payload = QR_SCHEME + "?tenant=" + enc(tenant) + "&upn=" + enc(upn) + "&code=" + code + "&url=" + enc(url);
        ActivationCode row = new ActivationCode();
        row.id = UUID.randomUUID();
        row.tenant = tenant;
        row.upn = upn;
        row.codeHash = crypto.hash(Verifications.ACTIVATION, tenant + "|" + upn, code);
        row.qrSealed = crypto.seal(payload, context(row.id));
        row.issuedBy = admin.value();
        row.createdAt = now;
        row.expiresAt = now.plus(config.activationCodeTtl());
        return Panache.withTransaction(() -> row.persist()
                        .call(() -> audit.record(admin.value(), Audit.ACTIVATION_CODE_ISSUE, Audit.SUCCESS, null, row.id, null)))
                .map(ignored -> {
                    LOG.infof("Activation code %s issued in tenant %s by %s", row.id, tenant, admin.logId());
                    return new Issued(row.id, tenant, upn, code, url, payload, row.expiresAt);
                });
    }

    /** The QR image of a live code; 410 once it is used, revoked or expired. */
    public Uni<byte[]> qrPng(String tenant, UUID id) {
        return Panache.withSession(() -> find(tenant, id)).map(row -> {
            if (row.revokedAt != null || row.usedAt != null || row.qrSealed == null) {
                throw VerificationProblems.activationCodeGone(row.revokedAt != null
                        ? VerificationProblems.ACTIVATION_CODE_REVOKED : VerificationProblems.ACTIVATION_CODE_USED,
                        "This activation code can no longer be used.");
            }
            if (!row.expiresAt.isAfter(now())) {
                throw VerificationProblems.activationCodeGone(VerificationProblems.ACTIVATION_CODE_EXPIRED,
                        "This activation code expired.");
            }
            return png(crypto.open(row.qrSealed, context(row.id)));
        });
    }

    /** Revokes a code that was not used yet; revoking twice, or a used code, changes nothing. */
    public Uni<Void> revoke(AccountId admin, String tenant, UUID id) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> find(tenant, id)
                .flatMap(row -> ActivationCode.update(
                        "revokedAt = ?1, qrSealed = null where id = ?2 and revokedAt is null and usedAt is null", now, id))
                .call(updated -> audit.record(admin.value(), Audit.ACTIVATION_CODE_REVOKE,
                        updated == 1 ? Audit.SUCCESS : "unchanged", null, id, null)))
                .invoke(() -> LOG.infof("Activation code %s revoked in tenant %s by %s", id, tenant, admin.logId()))
                .replaceWithVoid();
    }

    private Uni<ActivationCode> find(String tenant, UUID id) {
        return ActivationCode.<ActivationCode>find("id = ?1 and tenant = ?2", id, tenant).firstResult().map(row -> {
            if (row == null) {
                throw Problems.notFound("There is no activation code with that id in this tenant.");
            }
            return row;
        });
    }

    /** A black-on-white QR code, 8 pixels per module, with the standard 4-module quiet zone. */
    static byte[] png(String payload) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(payload, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
            int scale = 8;
            BufferedImage image = new BufferedImage(matrix.getWidth() * scale, matrix.getHeight() * scale,
                    BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, matrix.get(x / scale, y / scale) ? 0xFF000000 : 0xFFFFFFFF);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (WriterException | IOException e) {
            throw new IllegalStateException("Cannot render the QR code", e);
        }
    }

    private static String context(UUID id) {
        return "activation-qr|" + id;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
