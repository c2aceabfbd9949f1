package dev.authbackup.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The app's cryptography: the contract's fingerprint, AES-GCM round trips, and RFC 6238 codes. */
class VaultTest {

    @Test
    void aFingerprintIsTheHmacOfIssuerAndUsernameUnderTheSalt() {
        byte[] salt = new byte[32];
        String fingerprint = Vault.fingerprint(salt, "Google", "alice@example.com");
        assertEquals(64, fingerprint.length());
        assertEquals(fingerprint, Vault.fingerprint(salt, "Google", "alice@example.com"));
        assertNotEquals(fingerprint, Vault.fingerprint(salt, "Google", "bob@example.com"));
        salt[0] = 1;
        assertNotEquals(fingerprint, Vault.fingerprint(salt, "Google", "alice@example.com"));
    }

    @Test
    void ciphertextDecryptsOnlyUnderItsDataKey() {
        byte[] key = Vault.randomKey();
        byte[] plaintext = "{\"accounts\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = Vault.encrypt(key, plaintext);
        assertArrayEquals(plaintext, Vault.decrypt(key, sealed));
        assertThrows(IllegalStateException.class, () -> Vault.decrypt(Vault.randomKey(), sealed));
    }

    @Test
    void totpMatchesTheRfc6238TestVector() {
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertEquals("287082", Totp.code(secret, Instant.ofEpochSecond(59)));
        assertEquals("081804", Totp.code(secret, Instant.ofEpochSecond(1111111109)));
        assertArrayEquals(secret, Totp.base32Decode(Totp.base32Encode(secret)));
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.base32Encode(secret));
    }
}
