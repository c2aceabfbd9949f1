package dev.authbackup.notification.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;

/** Public server time, so apps can correct their clock before computing TOTP codes. */
@Path("/v1/time")
@Produces(MediaType.APPLICATION_JSON)
public class TimeResource {

    private final Clock clock;

    public TimeResource(Clock clock) {
        this.clock = clock;
    }

    public record ServerTime(long epochMillis) {
    }

    @GET
    @PermitAll
    public ServerTime now() {
        return new ServerTime(clock.millis());
    }
}
