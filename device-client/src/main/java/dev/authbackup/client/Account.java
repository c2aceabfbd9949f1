package dev.authbackup.client;

/**
 * One account in the authenticator app: what the backup's ciphertext holds. {@code kind} is
 * personal, work_school or third_party; {@code secret} is the base32 TOTP secret.
 */
public record Account(String ref, String issuer, String username, String secret, String kind, boolean pushEnabled) {
}
