package dev.authbackup.notification.domain;

import dev.authbackup.common.problem.ProblemException;

/** The problems notification-service answers with, one type per cause. */
public final class NotificationProblems {

    public static final String VERIFICATION_REQUIRED = "verification-required";
    public static final String INVALID_PROOF = "invalid-proof";
    public static final String TOO_MANY_APPROVALS = "too-many-approvals";
    public static final String APPROVAL_EXPIRED = "approval-expired";
    public static final String APPROVAL_ANSWERED = "approval-answered";
    public static final String NO_PUSH_DEVICES = "no-push-devices";
    public static final String KEY_NOT_REGISTERED = "key-not-registered";
    public static final String TOO_MANY_ATTEMPTS = "too-many-attempts";

    private NotificationProblems() {
    }

    public static ProblemException verificationRequired() {
        return new ProblemException(VERIFICATION_REQUIRED, 403, "Verification required",
                "This device has no open authorisation to register for that recovery entry: complete its "
                        + "verification first, or the authorisation was used, expired or revoked.");
    }

    public static ProblemException invalidProof(String detail) {
        return new ProblemException(INVALID_PROOF, 422, "Invalid proof of possession", detail);
    }

    public static ProblemException tooManyApprovals(long retryAfterSeconds, String detail) {
        return new ProblemException(TOO_MANY_APPROVALS, 429, "Too many sign-in approvals", detail)
                .with("retryAfter", retryAfterSeconds)
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    public static ProblemException approvalExpired() {
        return new ProblemException(APPROVAL_EXPIRED, 410, "Approval expired",
                "This sign-in approval has expired; start a new one.");
    }

    public static ProblemException approvalAnswered() {
        return new ProblemException(APPROVAL_ANSWERED, 409, "Already answered",
                "This key has already answered this sign-in approval.");
    }

    public static ProblemException noPushDevices() {
        return new ProblemException(NO_PUSH_DEVICES, 409, "No device can receive the approval",
                "This account has no registered push key; recover or register a device first.");
    }

    public static ProblemException keyNotRegistered() {
        return new ProblemException(KEY_NOT_REGISTERED, 403, "Key not registered",
                "No registered, unrevoked push key of this account and device has that id.");
    }

    public static ProblemException tooManyAttempts(long retryAfterSeconds) {
        return new ProblemException(TOO_MANY_ATTEMPTS, 429, "Too many wrong codes",
                "Too many wrong codes were tried for this account; wait before trying again.")
                .with("retryAfter", retryAfterSeconds)
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
}
