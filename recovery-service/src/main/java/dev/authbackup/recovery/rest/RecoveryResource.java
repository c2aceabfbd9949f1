package dev.authbackup.recovery.rest;

import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Recovery sessions of the signed-in account. Beginning a recovery is not built yet (the recovery
 * saga issue); until then no recovery exists, and every id is unknown.
 */
@Path("/v1/recoveries")
@Produces(MediaType.APPLICATION_JSON)
public class RecoveryResource {

    private final CurrentAccount account;

    public RecoveryResource(CurrentAccount account) {
        this.account = account;
    }

    @GET
    @Path("/{id}")
    public Uni<Object> get(@PathParam("id") String id) {
        account.id();
        return Uni.createFrom().failure(Problems.notFound("This account has no recovery with that id."));
    }
}
