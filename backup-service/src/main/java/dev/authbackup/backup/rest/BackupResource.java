package dev.authbackup.backup.rest;

import dev.authbackup.backup.domain.BackupStore;
import dev.authbackup.backup.domain.Platform;
import dev.authbackup.common.security.CurrentAccount;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An account's backup in one storage location ({@code ios} or {@code android}). */
@Path("/v1/backups/{platform}")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    private final BackupStore store;
    private final CurrentAccount account;

    public BackupResource(BackupStore store, CurrentAccount account) {
        this.store = store;
        this.account = account;
    }

    /** Stores a new version: {@code If-None-Match: *} for the first, {@code If-Match: "<version>"} after. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> store(@PathParam("platform") String platform,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull StoreBackupRequest body) {
        Platform target = Platform.fromPath(platform);
        BackupStore.Precondition precondition = BackupStore.Precondition.parse(ifNoneMatch, ifMatch);
        return store.store(account.id(), target, precondition, body, account.signedInFreshly())
                .map(stored -> Response.status(stored.created() ? 201 : 200)
                        .tag(new EntityTag(Integer.toString(stored.metadata().version())))
                        .entity(stored.metadata()).build());
    }

    /** The kept versions, newest first (metadata only). */
    @GET
    @Path("/versions")
    public Uni<List<BackupStore.VersionSummary>> versions(@PathParam("platform") String platform) {
        return store.versions(account.id(), Platform.fromPath(platform));
    }

    /** The current version's metadata; never its content. */
    @GET
    public Uni<Response> get(@PathParam("platform") String platform) {
        return store.current(account.id(), Platform.fromPath(platform))
                .map(metadata -> Response.ok(metadata)
                        .tag(new EntityTag(Integer.toString(metadata.version()))).build());
    }
}
