package dev.authbackup.backup.domain;

import dev.authbackup.common.problem.Problems;
import java.util.Locale;

/** A storage location: one backup per account lives in each. */
public enum Platform {
    ios, android;

    /** Parses a path segment; anything else is a resource that does not exist. */
    public static Platform fromPath(String value) {
        for (Platform platform : values()) {
            if (platform.name().equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
                return platform;
            }
        }
        throw Problems.notFound("Backups live under 'ios' or 'android'.");
    }
}
