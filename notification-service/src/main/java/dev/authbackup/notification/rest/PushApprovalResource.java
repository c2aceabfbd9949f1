package dev.authbackup.notification.rest;

import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.notification.domain.PushApprovals;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Sign-in approvals pushed to the account's device keys and answered with signatures. */
@Path("/v1/push-approvals")
@Produces(MediaType.APPLICATION_JSON)
public class PushApprovalResource {

    private final CurrentAccount account;
    private final PushApprovals approvals;

    public PushApprovalResource(CurrentAccount account, PushApprovals approvals) {
        this.account = account;
        this.approvals = approvals;
    }

    public record Started(UUID id, List<String> devices, Instant expiresAt) {
    }

    public record Answered(String status) {
    }

    @APIResponse(responseCode = "201", description = "pushed to every device key of the account",
            content = @Content(schema = @Schema(implementation = Started.class)))
    @APIResponse(responseCode = "409", description = "no-push-devices: the account has no push key")
    @APIResponse(responseCode = "429", description = "too-many-approvals, with Retry-After: push-bombing limits")
    @POST
    @Operation(summary = "Start a sign-in approval: push a challenge to every device key of the account "
            + "(429 too-many-approvals past 3 open or 10 pushes per 10 minutes; 409 no-push-devices)")
    public Uni<Response> start() {
        return approvals.start(account.id()).map(created -> Response.status(201).entity(new Started(
                created.approval().id,
                created.targets().stream().map(t -> t.deviceId()).distinct().toList(),
                created.approval().expiresAt.toInstant())).build());
    }

    @APIResponse(responseCode = "200", description = "the status this answer records: approved or denied",
            content = @Content(schema = @Schema(implementation = Answered.class)))
    @APIResponse(responseCode = "403", description = "key-not-registered: not an unrevoked key of this account and device")
    @APIResponse(responseCode = "404", description = "not-found: unknown, or another account's approval")
    @APIResponse(responseCode = "409", description = "approval-answered: this key answered already")
    @APIResponse(responseCode = "410", description = "approval-expired")
    @APIResponse(responseCode = "422", description = "invalid-proof: not this key's signature over the challenge")
    @POST
    @Path("/{id}/responses")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Answer an approval with a signature over its challenge by a registered key of the device "
            + "(404 unknown approval, 410 expired, 403 key-not-registered, 422 invalid-proof, 409 approval-answered)")
    public Uni<Answered> respond(@PathParam("id") String id, @Valid @NotNull DeviceRequests.RespondToApproval body) {
        UUID approvalId;
        try {
            approvalId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problems.notFound("This account has no sign-in approval with that id.");
        }
        return approvals.respond(account.id(), approvalId, body.deviceId(), body.keyId(), body.approve(),
                body.signature()).map(Answered::new);
    }
}
