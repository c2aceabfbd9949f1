package dev.authbackup.verification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** verification-service settings: the code pepper, lifetimes and the limits from the security rules. */
@ConfigMapping(prefix = "verification")
public interface VerificationConfig {

    /**
     * The server secret every code hash is keyed with (HMAC-SHA256). No default: without
     * {@code VERIFICATION_CODE_PEPPER} the service refuses to start.
     */
    String codePepper();

    /** The base URL of this service as the app reaches it (through the gateway); goes into activation QR codes. */
    @WithDefault("http://127.0.0.1:8083")
    String publicUrl();

    /** How long a one-time code is valid. */
    @WithDefault("10m")
    Duration codeTtl();

    /** How long a verification may take from its start (or its last code sent) to its end. */
    @WithDefault("10m")
    Duration verificationTtl();

    /** How long an activation code is valid. */
    @WithDefault("10m")
    Duration activationCodeTtl();

    /** Wrong codes that burn a challenge. */
    @WithDefault("5")
    int maxWrongCodes();

    /** How often verifications that expired untouched are ended (read by the scheduler). */
    @WithDefault("30s")
    Duration sweepInterval();

    Limits limits();

    AuditStaging audit();

    RedisPools redis();

    /** The request path's Redis connections (see EventLoopRedis). */
    interface RedisPools {
        /**
         * Connections each event loop keeps for its own requests' commands; the extension's
         * {@code quarkus.redis.max-pool-size} sizes the pool used off the event loops.
         */
        @WithDefault("8")
        int poolPerEventLoop();
    }

    /** Refused attempts' audit rows, staged in a Redis stream on their way to the table. */
    interface AuditStaging {
        /** How long a replica waits after a row is staged before it moves a batch: rows staged meanwhile join it. */
        @WithDefault("50ms")
        Duration linger();

        /** How often each replica moves staged rows and claims those another replica read but never wrote. */
        @WithDefault("1s")
        Duration drainInterval();

        /** How long a row may stay read-but-not-written by a replica (one that died) before another claims it. */
        @WithDefault("30s")
        Duration claimAfter();
    }

    /** Fixed-window limits kept in Redis. */
    interface Limits {
        @WithDefault("5")
        int sendsPerAccount();

        @WithDefault("1h")
        Duration sendWindow();

        @WithDefault("10")
        int failuresPerAccount();

        @WithDefault("1h")
        Duration failureWindow();

        @WithDefault("20")
        int activationAttemptsPerTenant();

        @WithDefault("1m")
        Duration activationWindow();
    }
}
