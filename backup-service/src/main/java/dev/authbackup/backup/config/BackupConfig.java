package dev.authbackup.backup.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;

/** backup-service settings: size limits and the key-encryption keys. */
@ConfigMapping(prefix = "backup")
public interface BackupConfig {

    int maxCiphertextBytes();

    int maxManifestEntries();

    Kek kek();

    interface Kek {
        /** "id:base64" pairs; every listed key can unwrap, only {@link #currentId()} wraps. */
        List<String> keys();

        String currentId();
    }
}
