package dev.authbackup.verification.domain;

import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;
import java.time.Duration;

/** The problems verification-service answers with, one type per cause. */
public final class VerificationProblems {

    public static final String PROOF_MISMATCH = "proof-mismatch";
    public static final String INVALID_CODE = "invalid-code";
    public static final String VERIFICATION_EXPIRED = "verification-expired";
    public static final String TOO_MANY_ATTEMPTS = "too-many-attempts";
    public static final String INVALID_ACTIVATION_CODE = "invalid-activation-code";
    public static final String ACTIVATION_CODE_EXPIRED = "activation-code-expired";
    public static final String ACTIVATION_CODE_USED = "activation-code-used";
    public static final String ACTIVATION_CODE_REVOKED = "activation-code-revoked";
    public static final String WRONG_STEP = "wrong-step";
    public static final String WRONG_METHOD = "wrong-method";
    public static final String NO_CONFIRMED_PROOF = "no-confirmed-proof";
    public static final String ALREADY_VERIFIED = "already-verified";
    public static final String SECURITY_INFO_EXISTS = "security-info-exists";
    public static final String TOO_MANY_PROOFS = "too-many-proofs";
    public static final String ALREADY_CONFIRMED = "already-confirmed";

    /** Which limit refused a request (the {@code limit} member of too-many-attempts, and the metric tag). */
    public enum Limit { code_sends, failures, activation_attempts }

    private VerificationProblems() {
    }

    public static ProblemException proofMismatch() {
        return new ProblemException(PROOF_MISMATCH, 422, "That is not the email or phone on file",
                "Type the full email address or phone number that the hint stands for.");
    }

    public static ProblemException invalidCode(int attemptsRemaining) {
        return new ProblemException(INVALID_CODE, 422, "The code is not right",
                attemptsRemaining > 0 ? "Check the code and try again." : "Too many wrong codes: start again.")
                .with("attemptsRemaining", attemptsRemaining);
    }

    public static ProblemException expired(String detail) {
        return new ProblemException(VERIFICATION_EXPIRED, 410, "The verification or its code is no longer valid",
                detail);
    }

    public static ProblemException tooManyAttempts(Limit limit, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ProblemException(TOO_MANY_ATTEMPTS, 429, "Too many attempts",
                "Wait " + seconds + " seconds before trying again.")
                .with("limit", limit.name())
                .with("retryAfter", seconds)
                .withHeader("Retry-After", Long.toString(seconds));
    }

    public static ProblemException invalidActivationCode() {
        return new ProblemException(INVALID_ACTIVATION_CODE, 422, "The activation code is not right",
                "Scan the QR code again, or ask your organisation's admin for a new one.");
    }

    public static ProblemException activationCodeGone(String type, String detail) {
        return new ProblemException(type, 410, "The activation code can no longer be used", detail);
    }

    public static ProblemException wrongStep(String detail) {
        return new ProblemException(WRONG_STEP, 409, "Not the next step of this verification", detail);
    }

    public static ProblemException wrongMethod(String expected) {
        return new ProblemException(WRONG_METHOD, 422, "This entry is verified another way",
                "This entry needs method " + expected + ".").with("method", expected);
    }

    public static ProblemException noConfirmedProof() {
        return new ProblemException(NO_CONFIRMED_PROOF, 409, "No confirmed email or phone",
                "Add and confirm an alternate email or phone first.");
    }

    public static ProblemException alreadyVerified() {
        return new ProblemException(ALREADY_VERIFIED, 409, "Already verified",
                "This entry is already verified on this device.");
    }

    public static ProblemException securityInfoExists() {
        return new ProblemException(SECURITY_INFO_EXISTS, 409, "Already registered",
                "This email or phone is already part of your security info.");
    }

    public static ProblemException tooManyProofs(int max) {
        return new ProblemException(TOO_MANY_PROOFS, 422, "Too many emails and phones",
                "An account may register at most " + max + ".").with("max", max);
    }

    public static ProblemException alreadyConfirmed() {
        return new ProblemException(ALREADY_CONFIRMED, 409, "Already confirmed", "This proof is already confirmed.");
    }

    public static ProblemException redisUnavailable() {
        return new ProblemException(Problems.SERVICE_UNAVAILABLE, 503, "Service unavailable",
                "Verification is unavailable right now; try again shortly.")
                .withHeader("Retry-After", "5");
    }
}
