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
import dev.authbackup.common.rest.StrictBase64;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.common.security.FreshSignIn;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private final BackupMetrics metrics;
    private final Pool pool;

    public BackupStore(BackupConfig config, KeyEncryptionKeys keys, Outbox outbox, ObjectMapper json, Clock clock,
            BackupMetrics metrics, Pool pool) {
        this.config = config;
        this.keys = keys;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.pool = pool;
    }

    /** The outcome of an upload: whether it created the backup, and the metadata now current. */
    public record Stored(boolean created, BackupMetadata metadata) {
    }

    /** A conditional upload: {@code If-None-Match: *} creates, {@code If-Match: "<version>"} replaces. */
    public record Precondition(boolean create, Integer expectedVersion) {

        /** What a weak tag expects: no version is ever it. */
        static final int NO_VERSION = -1;
        /** A strong version tag: a quoted integer. */
        private static final Pattern VERSION_TAG = Pattern.compile("\"([0-9]{1,9})\"");

        public static Precondition parse(String ifNoneMatch, String ifMatch) {
            if (ifMatch != null && !ifMatch.isBlank()) {
                String value = ifMatch.trim();
                // If-Match compares strongly (RFC 9110 13.1.1): a weak tag matches no version, so the answer is 412.
                boolean weak = value.startsWith("W/");
                if (weak) {
                    value = value.substring(2);
                }
                Matcher tag = VERSION_TAG.matcher(value);
                if (!tag.matches()) {
                    throw Problems.malformed("If-Match must be a version tag such as \"3\", in quotes.");
                }
                return new Precondition(false, weak ? NO_VERSION : Integer.parseInt(tag.group(1)));
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

    /**
     * Stores a new version if the precondition holds, else 412 {@code stale-version}, even for the same content sent
     * again (the contract's conditional-request rule). A retry with the {@code Idempotency-Key} of an upload that
     * already succeeded answers as the first time did.
     *
     * <p>The busiest path of the service, so it runs on the SQL client without an ORM session: one transaction locks
     * the head, decides, then writes the head, the version and the event (those three pipelined).
     *
     * @param authTime epoch seconds of the sign-in behind the token, or null when the token does not say
     */
    public Uni<Stored> store(AccountId account, Platform platform, Precondition precondition, String idempotencyKey,
            StoreBackupRequest request, Long authTime) {
        Content content = validate(request);
        Upload upload = new Upload(account, platform, precondition, idempotencyKey, request, content, authTime);
        return pool.withTransaction(transaction -> store(transaction, upload)
                .onFailure(CreatedMeanwhile.class)
                // Another first upload created the backup since this one looked: decide again against it.
                .recoverWithUni(() -> store(transaction, upload)));
    }

    /** One upload as the resource received it, validated. */
    private record Upload(AccountId account, Platform platform, Precondition precondition, String idempotencyKey,
            StoreBackupRequest request, Content content, Long authTime) {
    }

    /** A first upload found the backup created by a concurrent one when it inserted the head. */
    private static final class CreatedMeanwhile extends RuntimeException {
        CreatedMeanwhile() {
            super(null, null, false, false);
        }
    }

    private Uni<Stored> store(SqlConnection transaction, Upload upload) {
        Precondition precondition = upload.precondition();
        Content content = upload.content();
        return lockHead(transaction, upload.account().value(), upload.platform()).flatMap(head -> {
            Uni<BackupVersion> earlier = head == null || upload.idempotencyKey() == null ? Uni.createFrom().nullItem()
                    : versionWhere(transaction, "idempotency_key = $2", head.id, upload.idempotencyKey());
            return earlier.flatMap(replayed -> {
                if (replayed != null) {
                    if (!replayed.contentHash.equals(content.hash())) {
                        throw BackupProblems.idempotencyKeyReused();
                    }
                    metrics.stored(upload.platform(), "replayed", content.ciphertext().length);
                    return Uni.createFrom().item(new Stored(precondition.create(), metadata(head, replayed)));
                }
                boolean live = head != null && head.deletedAt == null;
                if (live && head.status == BackupStatus.sign_in_required
                        && !FreshSignIn.isFresh(upload.authTime(), clock.instant())) {
                    throw Problems.freshSignInRequired();
                }
                int current = live ? head.currentVersion : 0;
                boolean matches = precondition.create() ? current == 0 : precondition.expectedVersion() == current;
                if (!matches) {
                    throw BackupProblems.staleVersion(current);
                }
                return append(transaction, upload, head).map(metadata -> new Stored(current == 0, metadata));
            });
        });
    }

    private Uni<BackupMetadata> append(SqlConnection transaction, Upload upload, Backup existing) {
        OffsetDateTime now = now(clock);
        Backup head = existing != null ? existing : new Backup();
        if (existing == null) {
            head.id = UUID.randomUUID();
            head.accountId = upload.account().value();
            head.platform = upload.platform();
            head.signedInAt = now;
        }
        boolean created = existing == null || existing.deletedAt != null;
        // A successful upload is current again: either it was, or this token's sign-in is fresh.
        head.status = BackupStatus.current;
        head.deletedAt = null;
        if (upload.authTime() != null) {
            OffsetDateTime signedIn = Instant.ofEpochSecond(upload.authTime()).atOffset(ZoneOffset.UTC);
            if (existing == null || signedIn.isAfter(head.signedInAt)) {
                head.signedInAt = signedIn;
            }
        }

        StoreBackupRequest request = upload.request();
        Content content = upload.content();
        BackupVersion row = new BackupVersion();
        row.deviceId = request.deviceId();
        row.deviceName = request.deviceName();
        row.ciphertext = content.ciphertext();
        row.manifest = content.manifestJson();
        row.settings = content.settings();
        row.entryCount = content.entries().size();
        row.contentHash = content.hash();
        row.idempotencyKey = upload.idempotencyKey();
        BackupEvents.Stored event = advance(head, existing == null, row, content.dataKey(), content.entries(), now);

        Uni<UUID> written;
        if (existing == null) {
            written = transaction.preparedQuery("""
                            INSERT INTO backup (id, account_id, platform, current_version, status, updated_at, revision,
                                                signed_in_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, platform) DO NOTHING""")
                    .execute(Tuple.from(new Object[] {head.id, head.accountId, head.platform.name(), head.currentVersion,
                            head.status.name(), head.updatedAt, head.revision, head.signedInAt}))
                    .flatMap(inserted -> {
                        if (inserted.rowCount() == 0) {
                            throw new CreatedMeanwhile();
                        }
                        return insertVersion(transaction, row).flatMap(done -> publish(transaction, head, event));
                    });
        } else {
            // Pipelined: the connection sends all three before the first answer comes back.
            written = Uni.combine().all().unis(
                    transaction.preparedQuery("""
                                    UPDATE backup SET current_version = $2, status = $3, updated_at = $4, deleted_at = NULL,
                                                      revision = $5, signed_in_at = $6
                                     WHERE id = $1""")
                            .execute(Tuple.from(new Object[] {head.id, head.currentVersion, head.status.name(),
                                    head.updatedAt, head.revision, head.signedInAt})),
                    insertVersion(transaction, row),
                    publish(transaction, head, event))
                    .with((updated, inserted, eventId) -> eventId);
        }
        return written.map(eventId -> committed(head, row, event.entries(), eventId))
                .invoke(() -> metrics.stored(upload.platform(), created ? "created" : "updated",
                        content.ciphertext().length));
    }

    private static Uni<Void> insertVersion(SqlConnection transaction, BackupVersion row) {
        return transaction.preparedQuery("""
                        INSERT INTO backup_version (id, backup_id, version, device_id, device_name, ciphertext, wrapped_key,
                                                    kek_id, manifest, settings, entry_count, content_hash, created_at,
                                                    idempotency_key, restored_from)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
                .execute(Tuple.from(new Object[] {row.id, row.backupId, row.version, row.deviceId, row.deviceName,
                        Buffer.buffer(row.ciphertext), Buffer.buffer(row.wrappedKey), row.kekId, row.manifest,
                        row.settings == null ? null : Buffer.buffer(row.settings), row.entryCount, row.contentHash,
                        row.createdAt, row.idempotencyKey, row.restoredFrom}))
                .replaceWithVoid();
    }

    private Uni<UUID> publish(SqlConnection transaction, Backup head, BackupEvents.Stored event) {
        return outbox.publish(transaction, BackupEvents.TOPIC, head.accountId, BackupEvents.STORED,
                head.platform.name(), event);
    }

    /** The account's backup head on this platform (live or deleted), locked for the transaction; null if none. */
    private static Uni<Backup> lockHead(SqlConnection transaction, String accountId, Platform platform) {
        return transaction.preparedQuery("""
                        SELECT id, current_version, status, updated_at, deleted_at, revision, signed_in_at
                          FROM backup WHERE account_id = $1 AND platform = $2 FOR UPDATE""")
                .execute(Tuple.of(accountId, platform.name()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    Backup head = new Backup();
                    head.id = row.getUUID("id");
                    head.accountId = accountId;
                    head.platform = platform;
                    head.currentVersion = row.getInteger("current_version");
                    head.status = BackupStatus.valueOf(row.getString("status"));
                    head.updatedAt = row.getOffsetDateTime("updated_at");
                    head.deletedAt = row.getOffsetDateTime("deleted_at");
                    head.revision = row.getLong("revision");
                    head.signedInAt = row.getOffsetDateTime("signed_in_at");
                    return head;
                });
    }

    /** The metadata columns of one version of the backup ({@code $1}) that {@code condition} picks, or null. */
    private static Uni<BackupVersion> versionWhere(SqlConnection transaction, String condition, UUID backupId,
            Object value) {
        // A text block drops its last line's trailing space, hence the " " before the condition.
        return transaction.preparedQuery("""
                        SELECT version, device_id, device_name, manifest, entry_count, content_hash
                          FROM backup_version WHERE backup_id = $1 AND """ + " " + condition)
                .execute(Tuple.of(backupId, value))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    BackupVersion version = new BackupVersion();
                    version.backupId = backupId;
                    version.version = row.getInteger("version");
                    version.deviceId = row.getString("device_id");
                    version.deviceName = row.getString("device_name");
                    version.manifest = row.getString("manifest");
                    version.entryCount = row.getInteger("entry_count");
                    version.contentHash = row.getString("content_hash");
                    return version;
                });
    }

    /**
     * Makes {@code row} the head's next version: wraps the data key for it, advances the head and writes
     * {@code backup.stored.v1}, all in the caller's (ORM) transaction. Versions only grow, also across a delete.
     */
    Uni<BackupMetadata> commitVersion(Backup head, boolean isNew, BackupVersion row, byte[] dataKey,
            OffsetDateTime now) {
        BackupEvents.Stored event = advance(head, isNew, row, dataKey, entries(row), now);
        return (isNew ? head.<Backup>persist() : Uni.createFrom().item(head))
                .flatMap(h -> row.persist())
                .flatMap(r -> outbox.publish(BackupEvents.TOPIC, head.accountId, BackupEvents.STORED,
                        head.platform.name(), event))
                .map(eventId -> committed(head, row, event.entries(), eventId));
    }

    /** Numbers {@code row} as the head's next version, wraps its data key, and answers the event announcing it. */
    private BackupEvents.Stored advance(Backup head, boolean isNew, BackupVersion row, byte[] dataKey,
            List<BackupEvents.Entry> entries, OffsetDateTime now) {
        int version = isNew ? 1 : head.currentVersion + 1;
        head.currentVersion = version;
        head.updatedAt = now;
        head.revision = isNew ? 1 : head.revision + 1;

        KeyEncryptionKeys.Wrapped wrapped = keys.wrap(dataKey,
                KeyEncryptionKeys.context(head.accountId, head.platform, version));
        row.id = UUID.randomUUID();
        row.backupId = head.id;
        row.version = version;
        row.wrappedKey = wrapped.bytes();
        row.kekId = wrapped.kekId();
        row.createdAt = now;
        return new BackupEvents.Stored(head.accountId, head.platform.name(), version, head.revision,
                head.status.name(), now.toInstant(), row.deviceId, entries, row.restoredFrom);
    }

    private BackupMetadata committed(Backup head, BackupVersion row, List<BackupEvents.Entry> entries, UUID eventId) {
        // Concatenated rather than infof: on the busiest path, String.format's parsing was 2.8 % of the CPU (JFR).
        LOG.info("Backup stored: " + AccountId.logId(head.accountId) + " platform=" + head.platform + " version="
                + row.version + " entries=" + row.entryCount
                + (row.restoredFrom == null ? "" : " restoredFrom=" + row.restoredFrom) + " event=" + eventId);
        return metadata(head, row, entries);
    }

    /** Now, as stored: UTC with the database's microsecond precision. */
    static OffsetDateTime now(Clock clock) {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
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
    static Uni<Backup> liveHead(AccountId account, Platform platform) {
        return Backup.findLive(account.value(), platform).onItem().ifNull()
                .failWith(() -> BackupProblems.noBackup(platform));
    }

    BackupMetadata metadata(Backup head, BackupVersion version) {
        return metadata(head, version, entries(version));
    }

    /** The metadata of a version whose manifest is already parsed. */
    BackupMetadata metadata(Backup head, BackupVersion version, List<BackupEvents.Entry> manifest) {
        List<BackupMetadata.Entry> entries = manifest.stream()
                .map(e -> new BackupMetadata.Entry(e.ref(), e.kind(), e.pushEnabled())).toList();
        return new BackupMetadata(head.platform.name(), version.version, head.status.name(),
                head.updatedAt.toInstant().truncatedTo(ChronoUnit.MILLIS), version.deviceId, version.deviceName,
                version.entryCount, entries);
    }

    /** The manifest entries of a version, as events carry them. */
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
            return StrictBase64.decode(value);
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
