package dev.authbackup.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the shared mechanics: who this service is, and how its outbox relay runs. */
@ConfigMapping(prefix = "authbackup")
public interface PlatformConfig {

    /** This service's name, used as the CloudEvents {@code source} and in its consumer ids. */
    String serviceName();

    /** The name of this service's own PostgreSQL database (tests use {@code <name>_test}). */
    String database();

    Outbox outbox();

    Bench bench();

    interface Bench {
        /** Whether {@code GET /v1/bench/empty} answers (204) instead of 404: only for {@code ./platform bench}. */
        @WithDefault("false")
        boolean emptyEndpoint();
    }

    interface Outbox {
        /** How long the relay waits after finding nothing to send. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** How soon the relay tries again when another replica's relay held the lock (its round may end any moment). */
        @WithDefault("20ms")
        Duration lockRetry();

        /** How long the relay waits after a failure (broker or database down) before trying again. */
        @WithDefault("1s")
        Duration retryDelay();

        /** At most this many events per relay transaction. */
        @WithDefault("200")
        int batchSize();

        /** The relay vacuums the outbox after this many deleted events (0: never, autovacuum alone). */
        @WithDefault("10000")
        int vacuumEvery();

        /** Whether the relay runs in this process (off in a unit test of one handler). */
        @WithDefault("true")
        boolean enabled();
    }
}
