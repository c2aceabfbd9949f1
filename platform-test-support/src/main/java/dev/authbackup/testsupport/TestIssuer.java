package dev.authbackup.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A real token issuer for @QuarkusTests: an RSA key made for this JVM signs access tokens, and the
 * service verifies them through its ordinary OIDC bearer path (signature, issuer, audience, expiry).
 *
 * <p>Use with {@code @WithTestResource(TestIssuer.class)}; mint tokens with {@link #token(String)}.
 */
public class TestIssuer implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "https://issuer.test/realms/authenticator";
    public static final String AUDIENCE = "authenticator-api";
    // System properties are shared by every class loader of the test JVM (the test's and Quarkus').
    private static final String PRIVATE_KEY = "test-issuer.private-key";
    private static final String PUBLIC_KEY = "test-issuer.public-key";

    @Override
    public Map<String, String> start() {
        // Every @QuarkusTest class names this resource, so it is where each application start begins.
        TestKafka.skipBacklog();
        return Map.of(
                "quarkus.oidc.auth-server-url", "",
                "quarkus.oidc.discovery-enabled", "false",
                "quarkus.oidc.public-key", keys()[1],
                "quarkus.oidc.token.issuer", ISSUER);
    }

    @Override
    public void stop() {
    }

    /** A token for a new random account. */
    public static Token token() {
        return token(UUID.randomUUID().toString());
    }

    /** A token for the account with this subject: fresh sign-in, audience and issuer right. */
    public static Token token(String subject) {
        return new Token(subject);
    }

    /** The account id a service derives from a token of this subject. */
    public static String accountId(String subject) {
        return subject + "@" + ISSUER;
    }

    private static synchronized String[] keys() {
        String priv = System.getProperty(PRIVATE_KEY);
        if (priv == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                priv = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
                System.setProperty(PRIVATE_KEY, priv);
                System.setProperty(PUBLIC_KEY, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return new String[] {priv, System.getProperty(PUBLIC_KEY)};
    }

    /** A token being built; every setter returns this. */
    public static final class Token {
        private final String subject;
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private Long authTime = Instant.now().getEpochSecond();
        private long expiresIn = 300;
        private Set<String> roles = Set.of();
        private String tenant;
        private String signingKey;

        private Token(String subject) {
            this.subject = subject;
        }

        /** The sign-in happened this many seconds ago. */
        public Token signedInSecondsAgo(long seconds) {
            authTime = Instant.now().getEpochSecond() - seconds;
            return this;
        }

        /** A token without auth_time, as a password grant or a silent refresh yields. */
        public Token withoutAuthTime() {
            authTime = null;
            return this;
        }

        public Token issuer(String value) {
            issuer = value;
            return this;
        }

        public Token audience(String value) {
            audience = value;
            return this;
        }

        /** Negative for an already expired token. */
        public Token expiresIn(long seconds) {
            expiresIn = seconds;
            return this;
        }

        public Token roles(String... values) {
            roles = Set.of(values);
            return this;
        }

        public Token tenant(String value) {
            tenant = value;
            return this;
        }

        /** Signs with a key the service does not know. */
        public Token signedByStranger() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                signingKey = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        public String accountId() {
            return subject + "@" + issuer;
        }

        public String subject() {
            return subject;
        }

        /** The signed JWT. */
        public String jwt() {
            long now = Instant.now().getEpochSecond();
            JwtClaimsBuilder claims = Jwt.claims()
                    .issuer(issuer)
                    .subject(subject)
                    .audience(audience)
                    .issuedAt(now)
                    .expiresAt(now + expiresIn)
                    .claim("typ", "Bearer")
                    .claim("azp", "authenticator-app")
                    .claim("preferred_username", "user-" + subject.substring(0, Math.min(8, subject.length())))
                    .claim("realm_access", Map.of("roles", List.copyOf(roles)));
            if (authTime != null) {
                claims.claim("auth_time", authTime);
            }
            if (tenant != null) {
                claims.claim("tenant", tenant);
            }
            try {
                String key = signingKey != null ? signingKey : keys()[0];
                PrivateKey privateKey = KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
                return claims.jws().keyId("test-key").sign(privateKey);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The value of an Authorization header. */
        public String bearer() {
            return "Bearer " + jwt();
        }
    }
}
