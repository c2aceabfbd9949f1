package dev.authbackup.verification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.verification.config.VerificationConfig;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
    void aHashIsHmacSha256UnderThePepperOnEveryThreadAndForEveryInstance() throws Exception {
        CodeCrypto p = crypto("p".repeat(32));
        CodeCrypto q = crypto("q".repeat(32));
        String expectedP = hmacHex("p".repeat(32), "step-up|challenge-1|12345678");
        String expectedQ = hmacHex("q".repeat(32), "step-up|challenge-1|12345678");
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> {
                    boolean all = true;
                    for (int i = 0; i < 500; i++) { // two instances in turn on one thread: each keeps its own key
                        all &= expectedP.equals(p.hash("step-up", "challenge-1", "12345678"));
                        all &= expectedQ.equals(q.hash("step-up", "challenge-1", "12345678"));
                        all &= p.sameValue("alice@example.com", "alice@example.com")
                                && !p.sameValue("alice@example.com", "alice@example.org");
                    }
                    return all;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(expectedP, p.hash("step-up", "challenge-1", "12345678"));
    }

    private static String hmacHex(String key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
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
