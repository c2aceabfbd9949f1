package dev.authbackup.backup.domain;

import dev.authbackup.backup.rest.BackupProfileResponse;
import dev.authbackup.common.security.AccountId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/** The account's backup profile: its fingerprint salt, made on first use, and its backups. */
@ApplicationScoped
public class Profiles {

    private final SecureRandom random = new SecureRandom();

    @WithTransaction
    public Uni<BackupProfileResponse> profile(AccountId account) {
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        // Two first calls at once must agree on one salt: insert if absent, then read what won.
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("""
                        INSERT INTO backup_profile (account_id, salt, created_at) VALUES (:account, :salt, now())
                        ON CONFLICT (account_id) DO NOTHING""")
                        .setParameter("account", account.value())
                        .setParameter("salt", fresh)
                        .executeUpdate())
                .flatMap(inserted -> BackupProfile.<BackupProfile>findById(account.value()))
                .flatMap(profile -> summaries(account).map(backups -> new BackupProfileResponse(
                        Base64.getEncoder().encodeToString(profile.salt), backups)));
    }

    private Uni<List<BackupProfileResponse.Summary>> summaries(AccountId account) {
        return Backup.listLive(account.value()).flatMap(heads -> Multi.createFrom().iterable(heads)
                .onItem().transformToUniAndConcatenate(head -> BackupVersion.find(head.id, head.currentVersion)
                        .map(version -> new BackupProfileResponse.Summary(head.platform.name(), head.currentVersion,
                                head.status.name(), head.updatedAt.toInstant().truncatedTo(ChronoUnit.MILLIS),
                                version.entryCount)))
                .collect().asList());
    }
}
