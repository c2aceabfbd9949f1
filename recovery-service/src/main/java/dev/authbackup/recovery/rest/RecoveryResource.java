package dev.authbackup.recovery.rest;

import dev.authbackup.common.rest.IdempotencyKey;
import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.recovery.domain.Recoveries;
import dev.authbackup.recovery.domain.RecoveryProblems;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Recoveries of the signed-in account's backup onto a new device. */
@Path("/v1/recoveries")
@Produces(MediaType.APPLICATION_JSON)
public class RecoveryResource {

    private final Recoveries recoveries;
    private final CurrentAccount account;

    public RecoveryResource(Recoveries recoveries, CurrentAccount account) {
        this.recoveries = recoveries;
        this.account = account;
    }

    /**
     * Begins a recovery for this device, or says precisely why not: {@code no-backup},
     * {@code backup-on-other-platform}, a fresh sign-in (RFC 9470), {@code existing-accounts},
     * {@code recovery-in-progress}. Needs a sign-in within the last 300 s; honours {@code Idempotency-Key}.
     */
    @APIResponse(responseCode = "201", description = "begun (Location: the recovery); a retry with the same Idempotency-Key answers the recovery it began",
            content = @Content(schema = @Schema(implementation = RecoveryView.class)))
    @APIResponse(responseCode = "401", description = "insufficient_user_authentication (RFC 9470): no fresh sign-in, or the backup is out of date (reason)")
    @APIResponse(responseCode = "404", description = "no-backup, or backup-on-other-platform with availablePlatforms")
    @APIResponse(responseCode = "409", description = "existing-accounts with conflicts[ref], or recovery-in-progress with recoveryId")
    @APIResponse(responseCode = "422", description = "validation-failed (errors[]), or idempotency-key-reused")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> begin(@HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
            @Valid @NotNull BeginRecoveryRequest body) {
        IdempotencyKey.check(idempotencyKey);
        return recoveries.begin(account.id(), account.signedInFreshly(), idempotencyKey, body)
                .map(begun -> Response.status(201).location(URI.create("/v1/recoveries/" + begun.recovery().id()))
                        .entity(begun.recovery()).build());
    }

    @APIResponse(responseCode = "200", description = "its state and its entries' states",
            content = @Content(schema = @Schema(implementation = RecoveryView.class)))
    @APIResponse(responseCode = "404", description = "recovery-not-found: unknown, or another account's")
    @GET
    @Path("/{id}")
    public Uni<RecoveryView> get(@PathParam("id") String id) {
        return recoveries.get(account.id(), parse(id));
    }

    /** Cancels an active recovery; what it authorised downstream ends with it. */
    @APIResponse(responseCode = "204", description = "cancelled (or was already)")
    @APIResponse(responseCode = "404", description = "recovery-not-found")
    @APIResponse(responseCode = "409", description = "recovery-finished with recoveryStatus: completed or expired")
    @DELETE
    @Path("/{id}")
    public Uni<Response> cancel(@PathParam("id") String id) {
        return recoveries.cancel(account.id(), parse(id)).map(done -> Response.noContent().build());
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw RecoveryProblems.notFound();
        }
    }
}
