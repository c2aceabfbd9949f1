package dev.authbackup.backup.domain;

import dev.authbackup.backup.config.BackupConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of the apps' data keys: AES-256-GCM under a key-encryption key chosen by id,
 * bound (as associated data) to the account, platform and version it belongs to, so a wrapped key
 * copied onto another backup does not unwrap. Several KEKs are held so that rotation keeps old
 * backups readable.
 */
@ApplicationScoped
public class KeyEncryptionKeys {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keys = new HashMap<>();
    private final String currentId;
    private final SecureRandom random = new SecureRandom();

    public KeyEncryptionKeys(BackupConfig config) {
        for (String entry : config.kek().keys()) {
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new IllegalStateException("backup.kek.keys entries must be 'id:base64-key'");
            }
            byte[] material = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            if (material.length != 32) {
                throw new IllegalStateException("KEK '" + entry.substring(0, colon) + "' must be 32 bytes");
            }
            keys.put(entry.substring(0, colon).trim(), new SecretKeySpec(material, "AES"));
        }
        this.currentId = config.kek().currentId();
        if (!keys.containsKey(currentId)) {
            throw new IllegalStateException("backup.kek.current-id names no configured key");
        }
    }

    /** A data key wrapped under a KEK, with that KEK's id. */
    public record Wrapped(String kekId, byte[] bytes) {
    }

    public String currentId() {
        return currentId;
    }

    public Wrapped wrap(byte[] dataKey, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(dataKey);
            return new Wrapped(currentId, ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Key wrapping failed", e);
        }
    }

    public byte[] unwrap(Wrapped wrapped, String context) {
        SecretKey kek = keys.get(wrapped.kekId());
        if (kek == null) {
            throw new IllegalStateException("No key-encryption key with id " + wrapped.kekId());
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, wrapped.bytes(), 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(wrapped.bytes(), NONCE_BYTES, wrapped.bytes().length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Key unwrapping failed", e);
        }
    }

    /** What a wrapped key is bound to. */
    public static String context(String accountId, Platform platform, int version) {
        return accountId + "|" + platform + "|" + version;
    }
}
