package dev.authbackup.recovery.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** recovery-service settings: how long recoveries and push-key authorisations live. */
@ConfigMapping(prefix = "recovery")
public interface RecoveryConfig {

    /** An active recovery without any progress for this long expires. */
    @WithDefault("24h")
    Duration ttl();

    /** How long a verified entry's device may register its push key. */
    @WithDefault("10m")
    Duration pushKeyAuthorizationTtl();

    /** How often the expiry job runs ({@code 1m}), or {@code off}; read by the scheduler. */
    @WithDefault("1m")
    String expiryEvery();

    /** Recoveries expired per transaction. */
    @WithDefault("200")
    int batchSize();
}
