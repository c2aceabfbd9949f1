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
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> begin(@HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
            @Valid @NotNull BeginRecoveryRequest body) {
        IdempotencyKey.check(idempotencyKey);
        return recoveries.begin(account.id(), account.signedInFreshly(), idempotencyKey, body)
                .map(begun -> Response.status(201).location(URI.create("/v1/recoveries/" + begun.recovery().id()))
                        .entity(begun.recovery()).build());
    }

    @GET
    @Path("/{id}")
    public Uni<RecoveryView> get(@PathParam("id") String id) {
        return recoveries.get(account.id(), parse(id));
    }

    /** Cancels an active recovery; what it authorised downstream ends with it. */
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
