package dev.authbackup.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The recovery account that owns every object: the token's issuer and subject together.
 *
 * <p>{@link #value()} is what stores and Kafka keys hold; {@link #logId()} is what logs show.
 */
public record AccountId(String issuer, String subject) {

    public AccountId {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
    }

    /** The stored form, {@code subject@issuer}; stable for as long as the issuer URL is. */
    public String value() {
        return subject + "@" + issuer;
    }

    /** A short one-way digest for log lines, so that logs never name an account. */
    public String logId() {
        return logId(value());
    }

    public static String logId(String accountValue) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accountValue.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "account:" + logId();
    }
}
