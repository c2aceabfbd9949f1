package dev.authbackup.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.authbackup.common.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 6238 / RFC 4226 test vectors, RFC 4648 base32, and the P-256-only proof of possession. */
class TotpTest {

    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void codesMatchTheRfc6238Sha1Vectors() {
        assertEquals("94287082", Totp.code(RFC_SECRET, Totp.step(59, 30), 8));
        assertEquals("07081804", Totp.code(RFC_SECRET, Totp.step(1111111109L, 30), 8));
        assertEquals("14050471", Totp.code(RFC_SECRET, Totp.step(1111111111L, 30), 8));
        assertEquals("89005924", Totp.code(RFC_SECRET, Totp.step(1234567890L, 30), 8));
        assertEquals("69279037", Totp.code(RFC_SECRET, Totp.step(2000000000L, 30), 8));
        // Six digits are the last six of the same value (RFC 4226 appendix D: counter 1 -> 287082).
        assertEquals("287082", Totp.code(RFC_SECRET, 1, 6));
        assertEquals("755224", Totp.code(RFC_SECRET, 0, 6));
    }

    @Test
    void base32IsRfc4648WithoutPadding() {
        assertEquals("", Totp.base32(new byte[0]));
        assertEquals("MY", Totp.base32("f".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MZXW6YQ", Totp.base32("foob".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MZXW6YTBOI", Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.base32(RFC_SECRET));
    }

    @Test
    void onlyP256KeysWithAValidSignatureProvePossession() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        byte[] nonce = new byte[32];
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(nonce);
        String signature = Base64.getEncoder().encodeToString(signer.sign());
        String spki = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());

        ProofOfPossession.verify(ProofOfPossession.p256Key(spki), nonce, signature, "the nonce");
        assertThrows(ProblemException.class, () -> ProofOfPossession.verify(ProofOfPossession.p256Key(spki),
                new byte[] {1}, signature, "the nonce"));
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        String p384 = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        ProblemException refused = assertThrows(ProblemException.class, () -> ProofOfPossession.p256Key(p384));
        assertEquals("invalid-proof", refused.type());
        assertEquals(422, refused.status());
    }
}
