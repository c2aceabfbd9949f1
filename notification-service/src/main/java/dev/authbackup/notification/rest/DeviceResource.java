package dev.authbackup.notification.rest;

import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.notification.domain.DeviceRegistry;
import dev.authbackup.notification.domain.PushApprovals;
import dev.authbackup.notification.domain.Provisioning;
import io.smallrye.mutiny.Uni;
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
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The signed-in account's devices: what they may register, their keys and credentials, revocation. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final CurrentAccount account;
    private final Provisioning provisioning;
    private final DeviceRegistry registry;
    private final PushApprovals approvals;

    public DeviceResource(CurrentAccount account, Provisioning provisioning, DeviceRegistry registry,
            PushApprovals approvals) {
        this.account = account;
        this.provisioning = provisioning;
        this.registry = registry;
        this.approvals = approvals;
    }

    public record KeyView(UUID keyId, String provider, Instant createdAt) {
    }

    public record CredentialView(UUID credentialId, Instant createdAt) {
    }

    public record DeviceView(String deviceId, Instant createdAt, Instant lastSeenAt, List<KeyView> keys,
            List<CredentialView> credentials) {
    }

    public record ProvisioningView(UUID recoveryId, String entryRef, String kind, String nonce, Instant expiresAt) {
    }

    public record KeyRegistered(UUID keyId) {
    }

    public record CredentialIssued(UUID credentialId, String otpauthUri) {
    }

    public record PendingApproval(UUID id, String challenge, Instant expiresAt) {
    }

    @GET
    @Operation(summary = "This account's devices with their push keys and credentials (no secrets)")
    public Uni<List<DeviceView>> list() {
        return registry.devices(account.id()).map(devices -> devices.stream()
                .map(d -> new DeviceView(d.device().deviceId, d.device().createdAt.toInstant(),
                        d.device().lastSeenAt.toInstant(),
                        d.keys().stream().map(k -> new KeyView(k.id, k.provider, k.createdAt.toInstant())).toList(),
                        d.credentials().stream().map(c -> new CredentialView(c.id, c.createdAt.toInstant())).toList()))
                .toList());
    }

    @APIResponse(responseCode = "204", description = "revoked with its keys and credentials")
    @APIResponse(responseCode = "404", description = "not-found: unknown, or another account's device")
    @DELETE
    @Path("/{deviceId}")
    @Operation(summary = "Revoke a device: its push keys and credentials stop working (device.revoked.v1)")
    public Uni<Response> revoke(@PathParam("deviceId") @NotNull @Pattern(regexp = DeviceRequests.DEVICE_ID)
            String deviceId) {
        return registry.revoke(account.id(), deviceId).map(done -> Response.noContent().build());
    }

    @GET
    @Path("/{deviceId}/provisioning")
    @Operation(summary = "What this device may register now: push keys and device credentials, each with a nonce")
    public Uni<List<ProvisioningView>> provisioning(@PathParam("deviceId") @NotNull
            @Pattern(regexp = DeviceRequests.DEVICE_ID) String deviceId) {
        return provisioning.usable(account.id(), deviceId).map(list -> list.stream()
                .map(a -> new ProvisioningView(a.recoveryId, a.entryRef, a.kind,
                        Base64.getEncoder().encodeToString(a.nonce), a.expiresAt.toInstant()))
                .toList());
    }

    @APIResponse(responseCode = "201", description = "the key is registered: {keyId}",
            content = @Content(schema = @Schema(implementation = KeyRegistered.class)))
    @APIResponse(responseCode = "403", description = "verification-required: no open authorisation of this entry for this device")
    @APIResponse(responseCode = "404", description = "not-found: another account's recovery")
    @APIResponse(responseCode = "422", description = "invalid-proof: not an EC P-256 SPKI key, or not its signature over the nonce; validation-failed")
    @POST
    @Path("/{deviceId}/push-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a P-256 push key for a verified recovery entry, proved by a signature over the nonce")
    public Uni<Response> registerPushKey(@PathParam("deviceId") @NotNull @Pattern(regexp = DeviceRequests.DEVICE_ID)
            String deviceId, @Valid @NotNull DeviceRequests.RegisterPushKey body) {
        return registry.registerPushKey(account.id(), deviceId, new DeviceRegistry.PushKeyRequest(body.recoveryId(),
                        body.entryRef(), body.publicKey(), body.signature(), body.pushProvider().name(),
                        body.pushToken()))
                .map(keyId -> Response.status(201).entity(new KeyRegistered(keyId)).build());
    }

    @APIResponse(responseCode = "201", description = "this device's own OATH credential, shown once; Cache-Control: no-store",
            content = @Content(schema = @Schema(implementation = CredentialIssued.class)))
    @APIResponse(responseCode = "403", description = "verification-required: no open authorisation")
    @APIResponse(responseCode = "404", description = "not-found: another account's recovery")
    @POST
    @Path("/{deviceId}/credentials")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue this device's own TOTP credential for a personal entry; the otpauth URI is shown once")
    public Uni<Response> issueCredential(@PathParam("deviceId") @NotNull @Pattern(regexp = DeviceRequests.DEVICE_ID)
            String deviceId, @Valid @NotNull DeviceRequests.IssueCredential body) {
        return registry.issueCredential(account.id(), deviceId, body.recoveryId(), body.entryRef())
                .map(issued -> Response.status(201).header("Cache-Control", "no-store")
                        .entity(new CredentialIssued(issued.credentialId(), issued.otpauthUri())).build());
    }

    @GET
    @Path("/{deviceId}/push-approvals")
    @Operation(summary = "Sign-in approvals this device can still answer (what a lost push would have carried)")
    public Uni<List<PendingApproval>> pendingApprovals(@PathParam("deviceId") @NotNull
            @Pattern(regexp = DeviceRequests.DEVICE_ID) String deviceId) {
        return approvals.pendingFor(account.id(), deviceId).map(list -> list.stream()
                .map(a -> new PendingApproval(a.id, PushApprovals.challenge(a), a.expiresAt.toInstant()))
                .toList());
    }
}
