package dev.authbackup.recovery.domain;

import dev.authbackup.common.problem.ProblemException;
import java.util.List;
import java.util.UUID;

/** The problems recovery-service answers with, one type per cause. */
public final class RecoveryProblems {

    public static final String NO_BACKUP = "no-backup";
    public static final String BACKUP_ON_OTHER_PLATFORM = "backup-on-other-platform";
    public static final String EXISTING_ACCOUNTS = "existing-accounts";
    public static final String RECOVERY_IN_PROGRESS = "recovery-in-progress";
    public static final String RECOVERY_NOT_FOUND = "recovery-not-found";
    public static final String RECOVERY_FINISHED = "recovery-finished";

    private RecoveryProblems() {
    }

    public static ProblemException noBackup(String platform) {
        return new ProblemException(NO_BACKUP, 404, "No backup",
                "This account has no backup in the " + platform + " storage location.");
    }

    public static ProblemException backupOnOtherPlatform(String platform, List<String> available) {
        return new ProblemException(BACKUP_ON_OTHER_PLATFORM, 404, "The backup is on another platform",
                "This account has no " + platform + " backup, only one for " + String.join(" and ", available)
                        + ". A backup cannot be recovered across iOS and Android: recover it on a device of that"
                        + " platform, or back up again from this one.")
                .with("availablePlatforms", available);
    }

    public static ProblemException existingAccounts(List<String> refs) {
        return new ProblemException(EXISTING_ACCOUNTS, 409, "Accounts already on this device",
                refs.size() + " account(s) of the backup are already on this device; recovery never overwrites an"
                        + " account. Remove them from the device, then recover again.")
                .with("conflicts", refs);
    }

    public static ProblemException inProgress(UUID recoveryId) {
        return new ProblemException(RECOVERY_IN_PROGRESS, 409, "A recovery is already in progress",
                "This device already has an active recovery; continue it or cancel it first.")
                .with("recoveryId", recoveryId.toString());
    }

    public static ProblemException notFound() {
        return new ProblemException(RECOVERY_NOT_FOUND, 404, "No such recovery",
                "This account has no recovery with that id.");
    }

    public static ProblemException finished(RecoveryStatus status) {
        return new ProblemException(RECOVERY_FINISHED, 409, "The recovery is over",
                "The recovery is " + status + " and cannot be cancelled.").with("recoveryStatus", status.name());
    }
}
