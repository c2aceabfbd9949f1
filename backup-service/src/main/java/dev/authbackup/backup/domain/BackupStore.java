package dev.authbackup.backup.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.backup.config.BackupConfig;
import dev.authbackup.backup.messaging.BackupEvents;
import dev.authbackup.backup.rest.BackupMetadata;
import dev.authbackup.backup.rest.StoreBackupRequest;
import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.AccountId;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Stores backup versions: preconditions, validation, envelope encryption and the event, in one transaction. */
@ApplicationScoped
public class BackupStore {

    private static final Logger LOG = Logger.getLogger(BackupStore.class);
    private static final TypeReference<List<BackupEvents.Entry>> ENTRIES = new TypeReference<>() {
    };

    private final BackupConfig config;
    private final KeyEncryptionKeys keys;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;

    public BackupStore(BackupConfig config, KeyEncryptionKeys keys, Outbox outbox, ObjectMapper json, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    /** The outcome of an upload: whether it created the backup, and the metadata now current. */
    public record Stored(boolean created, BackupMetadata metadata) {
    }

    /** A conditional upload: {@code If-None-Match: *} creates, {@code If-Match: "<version>"} replaces. */
    public record Precondition(boolean create, Integer expectedVersion) {

        public static Precondition parse(String ifNoneMatch, String ifMatch) {
            if (ifMatch != null && !ifMatch.isBlank()) {
                String value = ifMatch.trim();
                if (value.startsWith("W/")) {
                    value = value.substring(2);
                }
                value = value.replace("\"", "");
                try {
                    return new Precondition(false, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw Problems.malformed("If-Match must be a version tag such as \"3\".");
                }
            }
            if (ifNoneMatch != null && ifNoneMatch.trim().equals("*")) {
                return new Precondition(true, null);
            }
            throw BackupProblems.preconditionRequired();
        }
    }

    /** Validated, decoded upload content. */
    record Content(byte[] ciphertext, byte[] dataKey, byte[] settings, List<BackupEvents.Entry> entries,
            String manifestJson, String hash) {
    }

    @WithTransaction
    public Uni<Stored> store(AccountId account, Platform platform, Precondition precondition,
            StoreBackupRequest request, boolean freshSignIn) {
        Content content = validate(request);
        return Backup.lockFor(account.value(), platform).flatMap(head -> {
            if (head != null && head.deletedAt == null && head.status == BackupStatus.sign_in_required && !freshSignIn) {
                throw Problems.freshSignInRequired();
            }
            int current = head == null || head.deletedAt != null ? 0 : head.currentVersion;
            boolean matches = precondition.create() ? current == 0 : precondition.expectedVersion() == current;
            if (!matches) {
                return replayOrStale(head, current, precondition, content);
            }
            return append(account, platform, head, current + 1, request, content)
                    .map(metadata -> new Stored(current == 0, metadata));
        });
    }

    /** A retried upload that already succeeded answers as it did the first time; anything else is stale. */
    private Uni<Stored> replayOrStale(Backup head, int current, Precondition precondition, Content content) {
        int retriedVersion = precondition.create() ? 1 : precondition.expectedVersion() + 1;
        if (head == null || head.deletedAt != null || retriedVersion != current) {
            return Uni.createFrom().failure(BackupProblems.staleVersion(current));
        }
        return BackupVersion.find(head.id, current).map(version -> {
            if (version == null || !version.contentHash.equals(content.hash())) {
                throw BackupProblems.staleVersion(current);
            }
            return new Stored(precondition.create(), metadata(head, version));
        });
    }

    private Uni<BackupMetadata> append(AccountId account, Platform platform, Backup existing, int version,
            StoreBackupRequest request, Content content) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        Backup head = existing != null ? existing : new Backup();
        boolean isNew = existing == null;
        if (isNew) {
            head.id = UUID.randomUUID();
            head.accountId = account.value();
            head.platform = platform;
        }
        head.currentVersion = version;
        head.status = BackupStatus.current;
        head.updatedAt = now;
        head.deletedAt = null;

        KeyEncryptionKeys.Wrapped wrapped = keys.wrap(content.dataKey(),
                KeyEncryptionKeys.context(account.value(), platform, version));
        BackupVersion row = new BackupVersion();
        row.id = UUID.randomUUID();
        row.backupId = head.id;
        row.version = version;
        row.deviceId = request.deviceId();
        row.deviceName = request.deviceName();
        row.ciphertext = content.ciphertext();
        row.wrappedKey = wrapped.bytes();
        row.kekId = wrapped.kekId();
        row.manifest = content.manifestJson();
        row.settings = content.settings();
        row.entryCount = content.entries().size();
        row.contentHash = content.hash();
        row.createdAt = now;

        BackupEvents.Stored event = new BackupEvents.Stored(account.value(), platform.name(), version,
                head.status.name(), now.toInstant(), request.deviceId(), content.entries());
        return (isNew ? head.<Backup>persist() : Uni.createFrom().item(head))
                .flatMap(h -> row.persist())
                .flatMap(r -> outbox.publish(BackupEvents.TOPIC, account.value(), BackupEvents.STORED,
                        platform.name(), event))
                .map(eventId -> {
                    LOG.infof("Backup stored: %s platform=%s version=%d entries=%d event=%s", account, platform,
                            version, row.entryCount, eventId);
                    return metadata(head, row);
                });
    }

    @WithSession
    public Uni<BackupMetadata> current(AccountId account, Platform platform) {
        return liveHead(account, platform).flatMap(head -> BackupVersion.find(head.id, head.currentVersion)
                .map(version -> metadata(head, version)));
    }

    /** The kept versions of the live backup, newest first. */
    @WithSession
    public Uni<List<VersionSummary>> versions(AccountId account, Platform platform) {
        return liveHead(account, platform).flatMap(head -> BackupVersion.listNewestFirst(head.id)
                .map(rows -> rows.stream()
                        .map(v -> new VersionSummary(v.version, v.createdAt.toInstant().truncatedTo(ChronoUnit.MILLIS),
                                v.deviceName, v.entryCount))
                        .toList()));
    }

    /** One kept version, as {@code GET .../versions} lists it. */
    public record VersionSummary(int version, Instant updatedAt, String deviceName, int entryCount) {
    }

    /** The account's live backup on this platform; none (or deleted) is 404 {@code no-backup}. */
    private static Uni<Backup> liveHead(AccountId account, Platform platform) {
        return Backup.findLive(account.value(), platform).onItem().ifNull()
                .failWith(() -> BackupProblems.noBackup(platform));
    }

    BackupMetadata metadata(Backup head, BackupVersion version) {
        List<BackupMetadata.Entry> entries = entries(version).stream()
                .map(e -> new BackupMetadata.Entry(e.ref(), e.kind(), e.pushEnabled())).toList();
        return new BackupMetadata(head.platform.name(), version.version, head.status.name(),
                head.updatedAt.toInstant().truncatedTo(ChronoUnit.MILLIS), version.deviceId, version.deviceName,
                version.entryCount, entries);
    }

    List<BackupEvents.Entry> entries(BackupVersion version) {
        try {
            return json.readValue(version.manifest, ENTRIES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored manifest of version " + version.version + " is unreadable", e);
        }
    }

    private Content validate(StoreBackupRequest request) {
        byte[] ciphertext = base64("ciphertext", request.ciphertext());
        if (ciphertext.length > config.maxCiphertextBytes()) {
            throw BackupProblems.ciphertextTooLarge(config.maxCiphertextBytes());
        }
        byte[] dataKey = base64("dataKey", request.dataKey());
        if (dataKey.length != 32) {
            throw Problems.validation("dataKey must be 32 bytes (AES-256), base64-encoded.");
        }
        byte[] settings = request.settings() == null ? null : base64("settings", request.settings());
        List<StoreBackupRequest.Entry> entries = request.manifest().entries();
        if (entries.size() > config.maxManifestEntries()) {
            throw Problems.validation("A backup holds at most " + config.maxManifestEntries() + " entries.");
        }
        Set<String> refs = new HashSet<>();
        Set<String> fingerprints = new HashSet<>();
        for (StoreBackupRequest.Entry entry : entries) {
            if (!refs.add(entry.ref())) {
                throw Problems.validation("Entry ref '" + entry.ref() + "' appears twice; refs must be unique.");
            }
            if (!fingerprints.add(entry.fingerprint())) {
                throw BackupProblems.duplicateEntry(entry.ref());
            }
        }
        List<BackupEvents.Entry> stored = entries.stream()
                .map(e -> new BackupEvents.Entry(e.ref(), e.kind().name(), e.pushEnabled(), e.fingerprint()))
                .toList();
        String manifestJson;
        try {
            manifestJson = json.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Content(ciphertext, dataKey, settings, stored, manifestJson,
                hash(request.deviceId(), request.deviceName(), ciphertext, dataKey, manifestJson, settings));
    }

    private static byte[] base64(String field, String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw Problems.validation(field + " must be standard base64 with padding.").with("field", field);
        }
    }

    private static String hash(String deviceId, String deviceName, byte[] ciphertext, byte[] dataKey,
            String manifest, byte[] settings) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : new byte[][] {deviceId.getBytes(StandardCharsets.UTF_8),
                    deviceName.getBytes(StandardCharsets.UTF_8), ciphertext, dataKey,
                    manifest.getBytes(StandardCharsets.UTF_8), settings == null ? new byte[0] : settings}) {
                digest.update(Integer.toString(part.length).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) ':');
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
