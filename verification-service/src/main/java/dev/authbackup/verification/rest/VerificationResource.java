package dev.authbackup.verification.rest;

import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.verification.domain.Verification;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.UUID;

/** Step-up verifications of the signed-in account (starting one comes with the verification issue). */
@Path("/v1/verifications")
@Produces(MediaType.APPLICATION_JSON)
public class VerificationResource {

    private final CurrentAccount account;

    public VerificationResource(CurrentAccount account) {
        this.account = account;
    }

    /** What the app shows about a verification. */
    public record VerificationView(UUID id, String status, String method, Instant expiresAt) {
    }

    @GET
    @Path("/{id}")
    @WithSession
    public Uni<VerificationView> get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(Problems.notFound("There is no verification with that id."));
        }
        return Verification.findOwned(uuid, account.id().value()).map(v -> {
            if (v == null) {
                throw Problems.notFound("There is no verification with that id.");
            }
            return new VerificationView(v.id, v.status, v.method, v.expiresAt.toInstant());
        });
    }
}
