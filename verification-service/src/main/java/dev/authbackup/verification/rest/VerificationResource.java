package dev.authbackup.verification.rest;

import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import dev.authbackup.verification.domain.Audit;
import dev.authbackup.verification.domain.ProofType;
import dev.authbackup.verification.domain.SecurityInfo;
import dev.authbackup.verification.domain.Verification;
import dev.authbackup.verification.domain.Verifications;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Step-up verification of a recovery entry on the recovering device.
 *
 * <p>{@code password_and_proof} (personal entries): a fresh password sign-in, then the full value of a
 * confirmed alternate email/phone, then the 8-digit code sent there. {@code activation_code}
 * (work/school entries): the tenant, UPN and 12-digit code from the QR an admin issued. An activation
 * code is bound to its tenant and UPN when issued, and to the recovery account that first redeems it;
 * being single use, no other account can ever redeem it afterwards.
 */
@Path("/v1/verifications")
@Tag(name = "verifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class VerificationResource {

    private static final String DEVICE_ID = "^[A-Za-z0-9._-]{1,64}$";

    private final Verifications verifications;
    private final CurrentAccount account;
    private final Audit audit;

    public VerificationResource(Verifications verifications, CurrentAccount account, Audit audit) {
        this.verifications = verifications;
        this.account = account;
        this.audit = audit;
    }

    /** The two ways to verify: by entry kind. */
    public enum Method { password_and_proof, activation_code }

    /** Body of POST /v1/verifications. */
    public record StartRequest(@NotNull UUID recoveryId, @NotBlank @Size(max = 128) String entryRef,
            @NotNull @Pattern(regexp = DEVICE_ID) String deviceId, @NotNull Method method) {
    }

    /** A confirmed proof offered for the proof step, as a hint. */
    public record ProofView(UUID id, ProofType type, String hint) {
        static ProofView of(SecurityInfo proof) {
            return new ProofView(proof.id, proof.type, proof.hint);
        }
    }

    /** A started verification. */
    public record StartedView(UUID id, String status, String method, List<ProofView> proofs, OffsetDateTime expiresAt) {
    }

    /** The full value the user typed for a proof. */
    public record ProofRequest(@NotNull UUID proofId, @NotNull @Size(max = 320) String value) {
    }

    /** A code is on its way; until when it is valid. */
    public record CodeSentView(String status, OffsetDateTime codeExpiresAt) {
    }

    /** The one-time code the user received. */
    public record CodeRequest(@NotNull @Size(max = 32) String code) {
    }

    /** What the QR code carried. */
    public record ActivationRequest(@NotBlank @Size(max = 64) String tenant, @NotBlank @Size(max = 256) String upn,
            @NotNull @Size(max = 32) String code) {
    }

    /** A verification's status after a step. */
    public record StatusView(String status) {
    }

    /** What the app shows about a verification. */
    public record VerificationView(UUID id, String status, String method, UUID recoveryId, String entryRef,
            String deviceId, OffsetDateTime expiresAt, OffsetDateTime verifiedAt) {
        static VerificationView of(Verification v) {
            return new VerificationView(v.id, v.status, v.method, v.recoveryId, v.entryRef, v.deviceId, v.expiresAt,
                    v.verifiedAt);
        }
    }

    @POST
    @Operation(summary = "Start a step-up verification of a recovery entry on this device",
            description = "password_and_proof needs a fresh sign-in (auth_time within 300 s), else 401 with the RFC 9470 challenge.")
    @APIResponse(responseCode = "201", description = "started: proof_required (with the confirmed proofs as hints) or activation_required")
    @APIResponse(responseCode = "401", description = "insufficient-user-authentication (no fresh sign-in)")
    @APIResponse(responseCode = "404", description = "unknown recovery, another account's, wrong device, or an entry that needs no verification")
    @APIResponse(responseCode = "409", description = "already-verified, or no-confirmed-proof")
    @APIResponse(responseCode = "422", description = "wrong-method for this entry's kind")
    public Uni<Response> start(@Valid @NotNull StartRequest body) {
        Uni<Void> signIn = body.method() == Method.password_and_proof
                ? audit.requireFreshSignIn(account, Audit.START, body.recoveryId(), body.method().name())
                : Uni.createFrom().voidItem();
        return signIn.chain(() -> verifications.start(account.id(), body.recoveryId(), body.entryRef(), body.deviceId(),
                        body.method().name()))
                .map(started -> Response.created(URI.create("/v1/verifications/" + started.verification().id))
                        .entity(new StartedView(started.verification().id, started.verification().status,
                                started.verification().method,
                                started.proofs().stream().map(ProofView::of).toList(),
                                started.verification().expiresAt))
                        .build());
    }

    @POST
    @Path("/{id}/proof")
    @Operation(summary = "Type the full email or phone that a proof's hint stands for; on a match a code is sent there")
    @APIResponse(responseCode = "202", description = "code_sent")
    @APIResponse(responseCode = "422", description = "proof-mismatch (counts as a failed attempt)")
    @APIResponse(responseCode = "429", description = "too-many-attempts, with Retry-After")
    public Uni<Response> proof(@PathParam("id") String id, @Valid @NotNull ProofRequest body) {
        return verifications.submitProof(account.id(), uuid(id), body.proofId(), body.value())
                .map(sent -> Response.accepted(new CodeSentView(sent.verification().status, sent.codeExpiresAt())).build());
    }

    @POST
    @Path("/{id}/code")
    @Operation(summary = "Enter the one-time code; the first correct submission verifies")
    @APIResponse(responseCode = "200", description = "verified; verification.succeeded.v1 is emitted")
    @APIResponse(responseCode = "410", description = "verification-expired: the verification or its code expired, was used or burned")
    @APIResponse(responseCode = "422", description = "invalid-code with attemptsRemaining (5 wrong codes burn the challenge)")
    @APIResponse(responseCode = "429", description = "too-many-attempts, with Retry-After")
    public Uni<StatusView> code(@PathParam("id") String id, @Valid @NotNull CodeRequest body) {
        return verifications.submitCode(account.id(), uuid(id), body.code()).map(v -> new StatusView(v.status));
    }

    @POST
    @Path("/{id}/activation")
    @Operation(summary = "Redeem the activation code from the admin's QR (tenant, upn, code)",
            description = "The code is bound to tenant and UPN at issue and to the first account that redeems it.")
    @APIResponse(responseCode = "200", description = "verified; verification.succeeded.v1 is emitted")
    @APIResponse(responseCode = "410", description = "activation-code-expired, -used or -revoked; or verification-expired")
    @APIResponse(responseCode = "422", description = "invalid-activation-code")
    @APIResponse(responseCode = "429", description = "too-many-attempts, with Retry-After")
    public Uni<StatusView> activation(@PathParam("id") String id, @Valid @NotNull ActivationRequest body) {
        return verifications.redeemActivation(account.id(), uuid(id), body.tenant(), body.upn(), body.code())
                .map(v -> new StatusView(v.status));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A verification of this account (another account's answers 404)")
    public Uni<VerificationView> get(@PathParam("id") String id) {
        return verifications.get(account.id(), uuid(id)).map(VerificationView::of);
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problems.notFound("There is no such resource.");
        }
    }
}
