package dev.authbackup.backup.domain;

/** Whether a backup can be recovered as it is, or the user must sign in again first. */
public enum BackupStatus {
    current, sign_in_required
}
