package dev.authbackup.verification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.verification.config.VerificationConfig;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Codes, their keyed hashes and sealing, without Quarkus. */
class CodeCryptoTest {

    static CodeCrypto crypto(String pepper) {
        VerificationConfig config = (VerificationConfig) Proxy.newProxyInstance(CodeCryptoTest.class.getClassLoader(),
                new Class<?>[] {VerificationConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("codePepper")) {
                        return pepper;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new CodeCrypto(config);
    }

    @Test
    void aMissingOrShortPepperStopsTheService() {
        assertThrows(IllegalStateException.class, () -> crypto(null));
        assertThrows(IllegalStateException.class, () -> crypto(""));
        assertThrows(IllegalStateException.class, () -> crypto("too-short-to-be-a-secret"));
    }

    @Test
    void codesAreDigitsOfTheAskedLengthAndVary() {
        CodeCrypto crypto = crypto("p".repeat(32));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = crypto.digits(8);
            assertTrue(code.matches("\\d{8}"), code);
            seen.add(code);
        }
        assertTrue(seen.size() > 190, "codes repeat too often: " + seen.size());
        assertTrue(crypto.digits(12).matches("\\d{12}"));
    }

    @Test
    void aHashIsKeyedByThePepperAndBoundToItsChallenge() {
        CodeCrypto crypto = crypto("p".repeat(32));
        String hash = crypto.hash("step-up", "challenge-1", "12345678");
        assertEquals(hash, crypto.hash("step-up", "challenge-1", "12345678"));
        assertEquals(64, hash.length());
        assertFalse(hash.contains("12345678"));
        assertNotEquals(hash, crypto.hash("step-up", "challenge-2", "12345678"));
        assertNotEquals(hash, crypto.hash("security-info", "challenge-1", "12345678"));
        assertNotEquals(hash, crypto("q".repeat(32)).hash("step-up", "challenge-1", "12345678"));
        assertTrue(CodeCrypto.same(hash, crypto.hash("step-up", "challenge-1", "12345678")));
        assertFalse(CodeCrypto.same(hash, crypto.hash("step-up", "challenge-1", "12345679")));
        assertFalse(CodeCrypto.same(hash, null));
    }

    @Test
    void aSealedValueOpensOnlyInItsContext() {
        CodeCrypto crypto = crypto("p".repeat(32));
        String sealed = crypto.seal("otpauth-recovery://activate?code=123456789012", "ctx-1");
        assertFalse(sealed.contains("123456789012"));
        assertEquals("otpauth-recovery://activate?code=123456789012", crypto.open(sealed, "ctx-1"));
        assertThrows(IllegalStateException.class, () -> crypto.open(sealed, "ctx-2"));
        assertThrows(IllegalStateException.class, () -> crypto("q".repeat(32)).open(sealed, "ctx-1"));
    }
}
