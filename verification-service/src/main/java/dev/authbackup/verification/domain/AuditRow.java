package dev.authbackup.verification.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One attempt as the audit records it: never a code, a proof value or a hint. */
public record AuditRow(OffsetDateTime at, String accountId, String action, String outcome, UUID verificationId,
        UUID subjectId, String method) {
}
