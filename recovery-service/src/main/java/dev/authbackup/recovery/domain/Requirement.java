package dev.authbackup.recovery.domain;

/** What an entry needs on the new device before it counts as restored. */
public enum Requirement {
    /** Restored from the backup as it was (third-party TOTP, work/school without push). */
    none,
    /** A new per-device OATH credential (personal accounts without push). */
    device_credential,
    /** Step-up verification, then a device-bound push key (entries that use push). */
    verification;

    /** The rule of the architecture brief: by kind and whether the entry uses push notifications. */
    public static Requirement of(String kind, boolean pushEnabled) {
        return switch (kind) {
            case "personal" -> pushEnabled ? verification : device_credential;
            case "work_school" -> pushEnabled ? verification : none;
            default -> none;
        };
    }

    /** The state an entry enters once the backup has been downloaded. */
    EntryState afterDownload() {
        return switch (this) {
            case none -> EntryState.restored;
            case device_credential -> EntryState.awaiting_device_credential;
            case verification -> EntryState.awaiting_verification;
        };
    }
}
