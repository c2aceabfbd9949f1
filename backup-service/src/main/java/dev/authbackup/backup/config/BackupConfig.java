package dev.authbackup.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** backup-service settings: size limits, key-encryption keys, staleness, retention and key release. */
@ConfigMapping(prefix = "backup")
public interface BackupConfig {

    int maxCiphertextBytes();

    int maxManifestEntries();

    /** A backup whose newest sign-in behind an upload is older than this becomes {@code sign_in_required}. */
    @WithDefault("30d")
    Duration signInMaxAge();

    Kek kek();

    Retention retention();

    Release release();

    Maintenance maintenance();

    interface Kek {
        /** "id:base64" pairs; every listed key can unwrap, only {@link #currentId()} wraps. */
        List<String> keys();

        String currentId();
    }

    interface Retention {
        /** The newest this many versions are always kept. */
        @WithDefault("5")
        int keepVersions();

        /** Versions younger than this are always kept. */
        @WithDefault("30d")
        Duration keepFor();

        /** A deleted backup can be undeleted for this long; then it is crypto-shredded. */
        @WithDefault("30d")
        Duration restoreWindow();

        /** Rows handled per transaction by the maintenance jobs. */
        @WithDefault("200")
        int batchSize();
    }

    interface Release {
        /** How long after a recovery starts its device may download the backup. */
        @WithDefault("1h")
        Duration validFor();
    }

    interface Maintenance {
        /** How often the maintenance jobs run ({@code 15m}), or {@code off}; read by the scheduler. */
        String every();
    }
}
