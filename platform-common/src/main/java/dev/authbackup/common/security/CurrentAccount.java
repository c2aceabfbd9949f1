package dev.authbackup.common.security;

import dev.authbackup.common.problem.Problems;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import java.time.Clock;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The signed-in recovery account of the current request, read from the verified bearer token. */
@RequestScoped
public class CurrentAccount {

    private final JsonWebToken token;
    private final Clock clock;

    public CurrentAccount(JsonWebToken token, Clock clock) {
        this.token = token;
        this.clock = clock;
    }

    public AccountId id() {
        if (token == null || token.getIssuer() == null || token.getSubject() == null) {
            throw new UnauthorizedException();
        }
        return new AccountId(token.getIssuer(), token.getSubject());
    }

    /** Epoch seconds of the interactive sign-in behind this token, or null when the token does not say. */
    public Long authTime() {
        Object claim = token.getClaim("auth_time");
        if (claim instanceof Number number) {
            return number.longValue();
        }
        if (claim instanceof jakarta.json.JsonNumber number) {
            return number.longValue();
        }
        return null;
    }

    public boolean signedInFreshly() {
        return FreshSignIn.isFresh(authTime(), clock.instant());
    }

    /** Throws the RFC 9470 step-up challenge unless the user signed in within the last 300 s. */
    public void requireFreshSignIn() {
        if (!signedInFreshly()) {
            throw Problems.freshSignInRequired();
        }
    }

    /** The organisation tenant the identity provider vouches for (the {@code tenant} claim), or null. */
    public String tenant() {
        Object claim = token.getClaim("tenant");
        return claim == null ? null : claim.toString().replace("\"", "");
    }

    public Set<String> groups() {
        return token.getGroups();
    }
}
