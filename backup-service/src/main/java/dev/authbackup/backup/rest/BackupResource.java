package dev.authbackup.backup.rest;

import dev.authbackup.backup.domain.BackupLifecycle;
import dev.authbackup.backup.domain.BackupStore;
import dev.authbackup.backup.domain.KeyRelease;
import dev.authbackup.backup.domain.Platform;
import dev.authbackup.common.rest.IdempotencyKey;
import dev.authbackup.common.security.CurrentAccount;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** An account's backup in one storage location ({@code ios} or {@code android}). */
@Path("/v1/backups/{platform}")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    private final BackupStore store;
    private final BackupLifecycle lifecycle;
    private final KeyRelease release;
    private final CurrentAccount account;

    public BackupResource(BackupStore store, BackupLifecycle lifecycle, KeyRelease release, CurrentAccount account) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.release = release;
        this.account = account;
    }

    /**
     * Stores a new version: {@code If-None-Match: *} for the first, {@code If-Match: "<version>"} after.
     * An {@code Idempotency-Key} makes a retried request answer as the first one did.
     */
    @APIResponse(responseCode = "201", description = "the first version; ETag: \"<version>\"",
            content = @Content(schema = @Schema(implementation = BackupMetadata.class)))
    @APIResponse(responseCode = "200", description = "the next version; ETag: \"<version>\"",
            content = @Content(schema = @Schema(implementation = BackupMetadata.class)))
    @APIResponse(responseCode = "401", description = "insufficient_user_authentication (RFC 9470) when the backup is sign_in_required and the sign-in is not fresh")
    @APIResponse(responseCode = "412", description = "stale-version with currentVersion: If-Match is not the current version, or If-None-Match: * and a backup exists")
    @APIResponse(responseCode = "413", description = "payload-too-large: ciphertext over 256 KiB, or a request body over 512 KiB")
    @APIResponse(responseCode = "422", description = "validation-failed (errors[]), or idempotency-key-reused")
    @APIResponse(responseCode = "428", description = "precondition-required: neither If-None-Match: * nor If-Match")
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> store(@PathParam("platform") String platform,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
            @Valid @NotNull StoreBackupRequest body) {
        Platform target = Platform.fromPath(platform);
        BackupStore.Precondition precondition = BackupStore.Precondition.parse(ifNoneMatch, ifMatch);
        IdempotencyKey.check(idempotencyKey);
        return store.store(account.id(), target, precondition, idempotencyKey, body, account.authTime())
                .map(stored -> withVersion(Response.status(stored.created() ? 201 : 200), stored.metadata()));
    }

    /** The current version's metadata; never its content. */
    @APIResponse(responseCode = "200", description = "metadata only, with ETag",
            content = @Content(schema = @Schema(implementation = BackupMetadata.class)))
    @APIResponse(responseCode = "404", description = "no-backup")
    @GET
    public Uni<Response> get(@PathParam("platform") String platform) {
        return store.current(account.id(), Platform.fromPath(platform))
                .map(metadata -> withVersion(Response.ok(), metadata));
    }

    /** The kept versions, newest first (metadata only). */
    @APIResponse(responseCode = "200", description = "kept versions, newest first")
    @APIResponse(responseCode = "404", description = "no-backup")
    @GET
    @Path("/versions")
    public Uni<List<BackupStore.VersionSummary>> versions(@PathParam("platform") String platform) {
        return store.versions(account.id(), Platform.fromPath(platform));
    }

    /** Soft delete: gone from status and recovery at once, restorable for the restore window (30 days). */
    @APIResponse(responseCode = "204", description = "soft-deleted; restorable for 30 days")
    @APIResponse(responseCode = "404", description = "no-backup")
    @DELETE
    public Uni<Response> delete(@PathParam("platform") String platform) {
        return lifecycle.delete(account.id(), Platform.fromPath(platform))
                .map(done -> Response.noContent().build());
    }

    /**
     * With {@code {version}}: makes that kept version current again, as a new version with its content
     * ({@code If-Match} optional). Without {@code version}: undoes a delete.
     */
    @APIResponse(responseCode = "200", description = "the backup is current again (metadata)",
            content = @Content(schema = @Schema(implementation = BackupMetadata.class)))
    @APIResponse(responseCode = "404", description = "no-backup, or version-not-found")
    @APIResponse(responseCode = "412", description = "stale-version: If-Match is not the current version")
    @POST
    @Path("/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> restore(@PathParam("platform") String platform, @HeaderParam("If-Match") String ifMatch,
            @Valid RestoreRequest body) {
        if (body == null || body.version() == null) {
            return undelete(platform);
        }
        Integer expected = ifMatch == null || ifMatch.isBlank() ? null
                : BackupStore.Precondition.parse(null, ifMatch).expectedVersion();
        return lifecycle.restoreVersion(account.id(), Platform.fromPath(platform), body.version(), expected)
                .map(metadata -> withVersion(Response.ok(), metadata));
    }

    /** Undoes a delete within the restore window (a request without a body). */
    @POST
    @Path("/restore")
    public Uni<Response> undelete(@PathParam("platform") String platform) {
        return lifecycle.undelete(account.id(), Platform.fromPath(platform))
                .map(metadata -> withVersion(Response.ok(), metadata));
    }

    /** Releases ciphertext and data key to the device of the account's active recovery; never cached. */
    @APIResponse(responseCode = "200", description = "ciphertext, data key, manifest and settings; Cache-Control: no-store",
            content = @Content(schema = @Schema(implementation = BackupContent.class)))
    @APIResponse(responseCode = "404", description = "no-release, or no-backup")
    @APIResponse(responseCode = "409", description = "recovery-not-ready, with Retry-After: the authorisation of this recovery has not arrived yet")
    @GET
    @Path("/content")
    public Uni<Response> content(@PathParam("platform") String platform,
            // Required, but without it the answer is 404 no-release, as for any id that releases nothing (the contract).
            @Parameter(required = true, description = "The recovery this device runs")
            @QueryParam("recoveryId") String recoveryId) {
        Base64.Encoder base64 = Base64.getEncoder();
        return release.release(account.id(), Platform.fromPath(platform), recoveryId)
                .map(released -> Response.ok(new BackupContent(released.version(),
                                base64.encodeToString(released.ciphertext()), base64.encodeToString(released.dataKey()),
                                new BackupContent.Manifest(released.entries()),
                                released.settings() == null ? null : base64.encodeToString(released.settings())))
                        .header("Cache-Control", "no-store").build());
    }

    private static Response withVersion(Response.ResponseBuilder builder, BackupMetadata metadata) {
        return builder.tag(new EntityTag(Integer.toString(metadata.version()))).entity(metadata).build();
    }
}
