package dev.authbackup.backup.domain;

import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.rest.IdempotencyKey;

/** The problems backup-service answers with, one type per cause. */
public final class BackupProblems {

    public static final String NO_BACKUP = "no-backup";
    public static final String STALE_VERSION = "stale-version";
    public static final String PRECONDITION_REQUIRED = "precondition-required";
    public static final String CIPHERTEXT_TOO_LARGE = "payload-too-large";
    public static final String DUPLICATE_ENTRY = "duplicate-entry";
    public static final String VERSION_NOT_FOUND = "version-not-found";
    public static final String RECOVERY_NOT_READY = "recovery-not-ready";
    public static final String NO_RELEASE = "no-release";

    private BackupProblems() {
    }

    public static ProblemException noBackup(Platform platform) {
        return new ProblemException(NO_BACKUP, 404, "No backup",
                "This account has no backup in the " + platform + " storage location.");
    }

    public static ProblemException staleVersion(int currentVersion) {
        return new ProblemException(STALE_VERSION, 412, "The backup changed since you read it",
                "The current version is " + currentVersion + "; read it and upload again with If-Match: \""
                        + currentVersion + "\".")
                .with("currentVersion", currentVersion);
    }

    public static ProblemException preconditionRequired() {
        return new ProblemException(PRECONDITION_REQUIRED, 428, "Precondition required",
                "Send If-None-Match: * to create the first backup, or If-Match: \"<version>\" to replace one.");
    }

    public static ProblemException ciphertextTooLarge(int limit) {
        return new ProblemException(CIPHERTEXT_TOO_LARGE, 413, "Backup too large",
                "The ciphertext may be at most " + limit + " bytes.").with("maxBytes", limit);
    }

    public static ProblemException duplicateEntry(String ref) {
        return new ProblemException(DUPLICATE_ENTRY, 422, "The same account is in the backup twice",
                "Entry '" + ref + "' has the fingerprint of an earlier entry.").with("ref", ref);
    }

    public static ProblemException idempotencyKeyReused() {
        return IdempotencyKey.reused("different content");
    }

    public static ProblemException versionNotFound(int version) {
        return new ProblemException(VERSION_NOT_FOUND, 404, "No such version",
                "Version " + version + " is not among the kept versions of this backup.").with("version", version);
    }

    public static ProblemException recoveryNotReady() {
        return new ProblemException(RECOVERY_NOT_READY, 409, "Recovery not ready yet",
                "The recovery has not yet been authorised to download this backup; retry shortly.")
                .withHeader("Retry-After", "1");
    }

    public static ProblemException noRelease() {
        return new ProblemException(NO_RELEASE, 404, "Nothing to release",
                "No active recovery of this account may download this backup.");
    }
}
