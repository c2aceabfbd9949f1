package dev.authbackup.notification.domain;

import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.notification.config.NotificationConfig;
import dev.authbackup.notification.messaging.DeviceEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A device's registrations: push keys (with proof of possession) and per-device TOTP credentials, each
 * only against an open provisioning authorisation, which it consumes; code verification; revocation.
 * Every registration, its consumed authorisation and its event commit together, or nothing changes.
 */
@ApplicationScoped
public class DeviceRegistry {

    private static final Logger LOG = Logger.getLogger(DeviceRegistry.class);
    private static final int SECRET_BYTES = 20;

    private final Outbox outbox;
    private final CredentialCipher cipher;
    private final NotificationConfig config;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DeviceRegistry(Outbox outbox, CredentialCipher cipher, NotificationConfig config,
            NotificationMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.cipher = cipher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    public record PushKeyRequest(UUID recoveryId, String entryRef, String publicKey, String signature,
            String pushProvider, String pushToken) {
    }

    public record IssuedCredential(UUID credentialId, String otpauthUri) {
    }

    public record Verified(boolean valid, String deviceId) {
    }

    /**
     * The open authorisation of this (recovery, entry, device, kind), locked; 403 {@code verification-required}
     * without one, but 404 for another account's recovery (its objects are not this account's to know of).
     */
    private static Uni<ProvisioningAuthorization> authorized(AccountId account, String deviceId, UUID recoveryId,
            String entryRef, String kind, OffsetDateTime now) {
        return ProvisioningAuthorization.lock(account.value(), deviceId, recoveryId, entryRef, kind)
                .flatMap(authorization -> authorization != null && authorization.usable(now)
                        ? Uni.createFrom().item(authorization)
                        : ProvisioningAuthorization.ofAnotherAccount(account.value(), recoveryId).map(theirs -> {
                            throw theirs ? Problems.notFound("This account has no recovery with that id.")
                                    : NotificationProblems.verificationRequired();
                        }));
    }

    /** Registers a push key for an authorised (recovery, entry, device), proved by a signature over the nonce. */
    @WithTransaction
    public Uni<UUID> registerPushKey(AccountId account, String deviceId, PushKeyRequest request) {
        OffsetDateTime now = Provisioning.now(clock);
        return authorized(account, deviceId, request.recoveryId(), request.entryRef(),
                ProvisioningAuthorization.PUSH_KEY, now).flatMap(authorization -> {
            ECPublicKey key = ProofOfPossession.p256Key(request.publicKey());
            ProofOfPossession.verify(key, authorization.nonce, request.signature(), "the provisioning nonce");
            authorization.consumedAt = now;
            PushKey pushKey = new PushKey();
            pushKey.id = UUID.randomUUID();
            pushKey.accountId = account.value();
            pushKey.deviceId = deviceId;
            pushKey.recoveryId = request.recoveryId();
            pushKey.entryRef = request.entryRef();
            pushKey.publicKey = key.getEncoded();
            pushKey.provider = request.pushProvider();
            pushKey.pushToken = request.pushToken();
            pushKey.createdAt = now;
            return pushKey.persist()
                    .flatMap(saved -> touchDevice(account.value(), deviceId, now))
                    .flatMap(device -> outbox.publish(DeviceEvents.TOPIC, account.value(),
                            DeviceEvents.PUSH_KEY_REGISTERED, deviceId, new DeviceEvents.PushKeyRegistered(
                                    account.value(), request.recoveryId(), request.entryRef(), deviceId, pushKey.id,
                                    pushKey.provider, now.toInstant())))
                    .invoke(eventId -> {
                        metrics.registered(ProvisioningAuthorization.PUSH_KEY);
                        LOG.infof("Push key registered: %s device=%s recovery=%s entry=%s key=%s provider=%s event=%s",
                                account.logId(), deviceId, request.recoveryId(), request.entryRef(), pushKey.id,
                                pushKey.provider, eventId);
                    })
                    .replaceWith(pushKey.id);
        });
    }

    /** Issues this device's own TOTP credential for an authorised personal entry; the URI is shown once. */
    @WithTransaction
    public Uni<IssuedCredential> issueCredential(AccountId account, String deviceId, UUID recoveryId,
            String entryRef) {
        OffsetDateTime now = Provisioning.now(clock);
        return authorized(account, deviceId, recoveryId, entryRef, ProvisioningAuthorization.DEVICE_CREDENTIAL, now)
                .flatMap(authorization -> {
            authorization.consumedAt = now;
            byte[] secret = new byte[SECRET_BYTES];
            random.nextBytes(secret);
            DeviceCredential credential = new DeviceCredential();
            credential.id = UUID.randomUUID();
            credential.accountId = account.value();
            credential.deviceId = deviceId;
            credential.recoveryId = recoveryId;
            credential.entryRef = entryRef;
            credential.secret = cipher.seal(secret, sealContext(credential));
            credential.digits = config.totp().digits();
            credential.periodSecs = (int) config.totp().period().toSeconds();
            credential.createdAt = now;
            String uri = otpauthUri(credential, secret);
            return credential.persist()
                    .flatMap(saved -> touchDevice(account.value(), deviceId, now))
                    .flatMap(device -> outbox.publish(DeviceEvents.TOPIC, account.value(),
                            DeviceEvents.CREDENTIAL_ISSUED, deviceId, new DeviceEvents.CredentialIssued(
                                    account.value(), recoveryId, entryRef, deviceId, credential.id,
                                    now.toInstant())))
                    .invoke(eventId -> {
                        metrics.registered(ProvisioningAuthorization.DEVICE_CREDENTIAL);
                        LOG.infof("Device credential issued: %s device=%s recovery=%s entry=%s credential=%s event=%s",
                                account.logId(), deviceId, recoveryId, entryRef, credential.id, eventId);
                    })
                    .replaceWith(new IssuedCredential(credential.id, uri));
        });
    }

    /**
     * Checks a code against every active credential of the account at steps t-1..t+1; a matching
     * (credential, step) is recorded, so the same code is accepted once.
     */
    @WithTransaction
    public Uni<Verified> verifyCode(AccountId account, String code) {
        long nowSeconds = clock.instant().getEpochSecond();
        byte[] offered = code.getBytes(StandardCharsets.US_ASCII);
        OffsetDateTime now = Provisioning.now(clock);
        OffsetDateTime windowStart = now.minus(config.codes().failureWindow());
        // Serialise one account's attempts so that the failure count holds under concurrent guesses.
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "SELECT pg_advisory_xact_lock(hashtextextended(:account, 11))")
                        .setParameter("account", account.value()).getSingleResult()
                        .flatMap(locked -> session.createNativeQuery("""
                                SELECT count(*), min(failed_at) FROM code_verification_failure
                                 WHERE account_id = :account AND failed_at > :since""", Object[].class)
                                .setParameter("account", account.value())
                                .setParameter("since", windowStart)
                                .getSingleResult()))
                .flatMap(failures -> {
                    long failed = ((Number) failures[0]).longValue();
                    if (failed >= config.codes().maxFailures()) {
                        OffsetDateTime oldest = failures[1] instanceof OffsetDateTime t ? t : now;
                        long wait = java.time.Duration.between(now, oldest.plus(config.codes().failureWindow()))
                                .toSeconds();
                        throw NotificationProblems.tooManyAttempts(Math.max(1, wait));
                    }
                    return check(account, offered, nowSeconds, now);
                });
    }

    private Uni<Verified> check(AccountId account, byte[] offered, long nowSeconds, OffsetDateTime now) {
        return DeviceCredential.activeOf(account.value()).flatMap(credentials -> {
            DeviceCredential matched = null;
            long matchedStep = 0;
            for (DeviceCredential credential : credentials) {
                byte[] secret = cipher.open(credential.secret, sealContext(credential));
                long current = Totp.step(nowSeconds, credential.periodSecs);
                for (long step = current - 1; step <= current + 1; step++) {
                    byte[] expected = Totp.code(secret, step, credential.digits).getBytes(StandardCharsets.US_ASCII);
                    // Constant time per comparison; every credential and step is tried either way.
                    if (MessageDigest.isEqual(expected, offered) && matched == null) {
                        matched = credential;
                        matchedStep = step;
                    }
                }
            }
            if (matched == null) {
                return failed(account, now);
            }
            DeviceCredential credential = matched;
            long step = matchedStep;
            return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                    INSERT INTO used_totp_step (credential_id, step, used_at) VALUES (:credential, :step, now())
                    ON CONFLICT DO NOTHING""")
                    .setParameter("credential", credential.id)
                    .setParameter("step", step)
                    .executeUpdate())
                    .flatMap(inserted -> {
                        if (inserted != 1) {
                            LOG.infof("Code replayed, refused: %s credential=%s", account.logId(), credential.id);
                            return failed(account, now);
                        }
                        metrics.codeVerified(true);
                        LOG.infof("Code accepted: %s credential=%s device=%s", account.logId(), credential.id,
                                credential.deviceId);
                        return Uni.createFrom().item(new Verified(true, credential.deviceId));
                    });
        });
    }

    /** A wrong or replayed code: counted against the account's attempts, answered {@code valid: false}. */
    private Uni<Verified> failed(AccountId account, OffsetDateTime now) {
        metrics.codeVerified(false);
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "INSERT INTO code_verification_failure (account_id, failed_at) VALUES (:account, :now)")
                        .setParameter("account", account.value()).setParameter("now", now).executeUpdate())
                .replaceWith(new Verified(false, null));
    }

    /** The account's devices with their active keys and credentials. */
    public record DeviceSummary(Device device, List<PushKey> keys, List<DeviceCredential> credentials) {
    }

    @WithSession
    public Uni<List<DeviceSummary>> devices(AccountId account) {
        return Device.listOwned(account.value()).flatMap(devices -> PushKey.activeOf(account.value())
                .flatMap(keys -> DeviceCredential.activeOf(account.value()).map(credentials -> devices.stream()
                        .map(d -> new DeviceSummary(d,
                                keys.stream().filter(k -> k.deviceId.equals(d.deviceId)).toList(),
                                credentials.stream().filter(c -> c.deviceId.equals(d.deviceId)).toList()))
                        .toList())));
    }

    /** Revokes a device: its keys, credentials and open authorisations end; the device leaves the list. */
    @WithTransaction
    public Uni<Void> revoke(AccountId account, String deviceId) {
        OffsetDateTime now = Provisioning.now(clock);
        return Device.<Device>findById(new Device.Key(account.value(), deviceId)).flatMap(device -> {
            if (device == null) {
                throw Problems.notFound("This account has no device with that id.");
            }
            return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                            UPDATE push_key SET revoked_at = :now
                             WHERE account_id = :account AND device_id = :device AND revoked_at IS NULL""")
                            .setParameter("now", now).setParameter("account", account.value())
                            .setParameter("device", deviceId).executeUpdate()
                            .flatMap(keys -> session.createNativeQuery("""
                                    UPDATE device_credential SET revoked_at = :now
                                     WHERE account_id = :account AND device_id = :device AND revoked_at IS NULL""")
                                    .setParameter("now", now).setParameter("account", account.value())
                                    .setParameter("device", deviceId).executeUpdate())
                            .flatMap(credentials -> session.createNativeQuery("""
                                    UPDATE provisioning_authorization SET revoked_at = :now
                                     WHERE account_id = :account AND device_id = :device
                                       AND consumed_at IS NULL AND revoked_at IS NULL""")
                                    .setParameter("now", now).setParameter("account", account.value())
                                    .setParameter("device", deviceId).executeUpdate()))
                    .flatMap(done -> device.delete())
                    .flatMap(deleted -> outbox.publish(DeviceEvents.TOPIC, account.value(), DeviceEvents.REVOKED,
                            deviceId, new DeviceEvents.Revoked(account.value(), deviceId, now.toInstant())))
                    .invoke(eventId -> {
                        metrics.devicesRevoked();
                        LOG.infof("Device revoked: %s device=%s event=%s", account.logId(), deviceId, eventId);
                    })
                    .replaceWithVoid();
        });
    }

    private Uni<Integer> touchDevice(String accountId, String deviceId, OffsetDateTime now) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO device (account_id, device_id, created_at, last_seen_at) VALUES (:account, :device, :now, :now)
                ON CONFLICT (account_id, device_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at""")
                .setParameter("account", accountId)
                .setParameter("device", deviceId)
                .setParameter("now", now)
                .executeUpdate());
    }

    private static String sealContext(DeviceCredential credential) {
        return credential.id + "|" + credential.accountId;
    }

    private String otpauthUri(DeviceCredential credential, byte[] secret) {
        String issuer = config.totp().issuer();
        // The label names the entry (an opaque ref) and the device, never the account's name.
        String label = enc(issuer) + ":" + enc(credential.entryRef + " (" + credential.deviceId + ")");
        return "otpauth://totp/" + label + "?secret=" + Totp.base32(secret) + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=" + credential.digits + "&period=" + credential.periodSecs;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
