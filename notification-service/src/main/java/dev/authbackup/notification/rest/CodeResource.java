package dev.authbackup.notification.rest;

import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.notification.domain.DeviceRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Verification of TOTP codes from any of the account's device credentials. */
@Path("/v1/codes")
@Produces(MediaType.APPLICATION_JSON)
public class CodeResource {

    private final CurrentAccount account;
    private final DeviceRegistry registry;

    public CodeResource(CurrentAccount account, DeviceRegistry registry) {
        this.account = account;
        this.registry = registry;
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a TOTP code (±1 step) against the account's device credentials; each code counts once")
    public Uni<DeviceRegistry.Verified> verify(@Valid @NotNull DeviceRequests.VerifyCode body) {
        return registry.verifyCode(account.id(), body.code());
    }
}
