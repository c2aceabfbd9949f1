package dev.authbackup.notification.rest;

import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.notification.domain.Device;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** The signed-in account's devices. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final CurrentAccount account;

    public DeviceResource(CurrentAccount account) {
        this.account = account;
    }

    public record DeviceView(String deviceId, Instant createdAt, Instant lastSeenAt) {
    }

    @GET
    @WithSession
    public Uni<List<DeviceView>> list() {
        return Device.listOwned(account.id().value()).map(devices -> devices.stream()
                .map(d -> new DeviceView(d.deviceId, d.createdAt.toInstant(), d.lastSeenAt.toInstant()))
                .toList());
    }
}
