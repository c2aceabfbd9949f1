package dev.authbackup.backup.rest;

import dev.authbackup.backup.domain.Profiles;
import dev.authbackup.common.security.CurrentAccount;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The account's fingerprint salt and its backups at a glance. */
@Path("/v1/backup-profile")
@Produces(MediaType.APPLICATION_JSON)
public class BackupProfileResource {

    private final Profiles profiles;
    private final CurrentAccount account;

    public BackupProfileResource(Profiles profiles, CurrentAccount account) {
        this.profiles = profiles;
        this.account = account;
    }

    @GET
    public Uni<BackupProfileResponse> profile() {
        return profiles.profile(account.id());
    }
}
