package dev.authbackup.verification.rest;

import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.verification.domain.ActivationCodes;
import io.quarkus.security.ForbiddenException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Activation codes a tenant's {@code provider-admin} issues for a user (UPN) to verify work/school entries.
 * Only an admin whose token's {@code tenant} claim is the path's tenant may issue, show or revoke them.
 * The QR payload is {@code otpauth-recovery://activate?tenant=<t>&upn=<upn>&code=<12 digits>&url=<base>/v1/verifications}:
 * the app starts a verification there (method activation_code) and redeems at {@code /{id}/activation}.
 */
@Path("/v1/tenants/{tenant}/activation-codes")
@Tag(name = "activation-codes")
@RolesAllowed(ActivationCodeResource.ADMIN_ROLE)
public class ActivationCodeResource {

    static final String ADMIN_ROLE = "provider-admin";

    private final ActivationCodes codes;
    private final CurrentAccount account;

    public ActivationCodeResource(ActivationCodes codes, CurrentAccount account) {
        this.codes = codes;
        this.account = account;
    }

    /** The user the admin issues a code for. */
    public record IssueRequest(@NotNull @Pattern(regexp = "^[^\\s]{1,256}$") String upn) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a 12-digit, single-use activation code for a UPN (valid 10 minutes)")
    @APIResponse(responseCode = "201", description = "{id, tenant, upn, code, url, qrPayload, expiresAt}")
    @APIResponse(responseCode = "403", description = "not a provider-admin of this tenant")
    public Uni<Response> issue(@PathParam("tenant") String tenant, @Valid @NotNull IssueRequest body) {
        requireAdminOf(tenant);
        return codes.issue(account.id(), tenant, body.upn())
                .map(issued -> Response.created(URI.create("/v1/tenants/" + tenant + "/activation-codes/" + issued.id()))
                        .entity(issued).build());
    }

    @GET
    @Path("/{id}/qr.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    @Operation(summary = "The QR image of a live activation code")
    @APIResponse(responseCode = "200", description = "image/png")
    @APIResponse(responseCode = "410", description = "the code was used, revoked or expired")
    public Uni<Response> qr(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        requireAdminOf(tenant);
        return codes.qrPng(tenant, VerificationResource.uuid(id))
                .map(png -> Response.ok(png, "image/png").header("Cache-Control", "no-store").build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an activation code")
    @APIResponse(responseCode = "204", description = "revoked (or already unusable)")
    public Uni<Response> revoke(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        requireAdminOf(tenant);
        return codes.revoke(account.id(), tenant, VerificationResource.uuid(id))
                .map(ignored -> Response.noContent().build());
    }

    /** The role alone is not enough: an admin of one tenant has no say over another. */
    private void requireAdminOf(String tenant) {
        if (!Objects.equals(account.tenant(), tenant)) {
            throw new ForbiddenException();
        }
    }
}
