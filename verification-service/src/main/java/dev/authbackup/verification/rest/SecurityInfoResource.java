package dev.authbackup.verification.rest;

import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.verification.domain.Audit;
import dev.authbackup.verification.domain.ProofType;
import dev.authbackup.verification.domain.SecurityInfo;
import dev.authbackup.verification.domain.SecurityInfos;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The account's security info: alternate emails and phones (E.164), shown only as masked hints. */
@Path("/v1/security-info")
@Tag(name = "security-info")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SecurityInfoResource {

    private final SecurityInfos securityInfos;
    private final CurrentAccount account;
    private final Audit audit;

    public SecurityInfoResource(SecurityInfos securityInfos, CurrentAccount account, Audit audit) {
        this.securityInfos = securityInfos;
        this.account = account;
        this.audit = audit;
    }

    /** A new email or phone, as typed. */
    public record AddRequest(@NotNull ProofType type, @NotNull @Size(max = 320) String value) {
    }

    /** The confirmation code sent to the new proof. */
    public record ConfirmRequest(@NotNull @Size(max = 32) String code) {
    }

    /** A proof as the account sees it: masked. */
    public record ProofView(UUID id, ProofType type, String hint, boolean confirmed) {
        static ProofView of(SecurityInfo proof) {
            return new ProofView(proof.id, proof.type, proof.hint, proof.confirmed);
        }
    }

    /** A proof just added, unconfirmed. */
    public record AddedView(UUID id, String hint, boolean confirmed) {
    }

    /** The result of a confirmation. */
    public record ConfirmedView(boolean confirmed) {
    }

    @GET
    @Operation(summary = "The account's emails and phones, masked")
    public Uni<List<ProofView>> list() {
        return securityInfos.list(account.id()).map(all -> all.stream().map(ProofView::of).toList());
    }

    @POST
    @Operation(summary = "Add an email or phone (fresh sign-in); a confirmation code is sent to it and the other confirmed proofs are notified")
    @APIResponse(responseCode = "201", description = "added, unconfirmed")
    @APIResponse(responseCode = "401", description = "insufficient-user-authentication (no fresh sign-in)")
    @APIResponse(responseCode = "409", description = "security-info-exists")
    @APIResponse(responseCode = "422", description = "validation-failed (not an email / E.164 phone), too-many-proofs")
    @APIResponse(responseCode = "429", description = "too-many-attempts (code sends), with Retry-After")
    public Uni<Response> add(@Valid @NotNull AddRequest body) {
        return audit.requireFreshSignIn(account, Audit.SECURITY_INFO_ADD, null, null)
                .chain(() -> securityInfos.add(account.id(), body.type(), body.value()))
                .map(proof -> Response.created(URI.create("/v1/security-info/" + proof.id))
                        .entity(new AddedView(proof.id, proof.hint, proof.confirmed)).build());
    }

    @POST
    @Path("/{id}/confirm")
    @Operation(summary = "Confirm an email or phone with the code sent to it")
    @APIResponse(responseCode = "200", description = "confirmed")
    @APIResponse(responseCode = "410", description = "verification-expired: the code expired or was burned")
    @APIResponse(responseCode = "422", description = "invalid-code with attemptsRemaining")
    @APIResponse(responseCode = "429", description = "too-many-attempts, with Retry-After")
    public Uni<ConfirmedView> confirm(@PathParam("id") String id, @Valid @NotNull ConfirmRequest body) {
        return securityInfos.confirm(account.id(), VerificationResource.uuid(id), body.code())
                .map(proof -> new ConfirmedView(proof.confirmed));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove an email or phone (fresh sign-in); the other confirmed proofs are notified")
    @APIResponse(responseCode = "204", description = "removed")
    @APIResponse(responseCode = "401", description = "insufficient-user-authentication (no fresh sign-in)")
    public Uni<Response> remove(@PathParam("id") String id) {
        UUID proofId = VerificationResource.uuid(id);
        return audit.requireFreshSignIn(account, Audit.SECURITY_INFO_REMOVE, proofId, null)
                .chain(() -> securityInfos.remove(account.id(), proofId))
                .map(ignored -> Response.noContent().build());
    }
}
