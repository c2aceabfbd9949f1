package dev.authbackup.notification.domain;

import dev.authbackup.notification.config.NotificationConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals device-credential secrets with AES-256-GCM under the configured key, bound (associated data) to
 * the credential id, so a sealed secret copied to another row does not open. Checked at start-up: the
 * service refuses to run without a valid key.
 */
@Startup
@ApplicationScoped
public class CredentialCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(NotificationConfig config) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(config.credentialKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("notification.credential-key (NOTIFICATION_CREDENTIAL_KEY) is not base64");
        }
        if (material.length != 32) {
            throw new IllegalStateException("notification.credential-key (NOTIFICATION_CREDENTIAL_KEY) must be 32 bytes");
        }
        this.key = new SecretKeySpec(material, "AES");
    }

    public byte[] seal(byte[] secret, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing a credential failed", e);
        }
    }

    public byte[] open(byte[] sealed, String context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Opening a credential failed", e);
        }
    }
}
