package dev.authbackup.recovery.domain;

/** Where a recovery is: the first two are active, the last three final. */
public enum RecoveryStatus {
    awaiting_download, in_progress, completed, expired, cancelled;

    public boolean active() {
        return this == awaiting_download || this == in_progress;
    }
}
