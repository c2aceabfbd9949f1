package dev.authbackup.notification.push;

import java.time.Instant;
import java.util.UUID;

/** What a sign-in approval push carries to one device: the approval id and its challenge (base64). */
public record PushMessage(UUID approvalId, String challenge, Instant expiresAt) {
}
