package dev.authbackup.notification.domain;

import dev.authbackup.common.rest.StrictBase64;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/** Checks that a device holds the private half of an EC P-256 key: an ECDSA-SHA256 signature over server bytes. */
public final class ProofOfPossession {

    private static final ECParameterSpec P256 = p256();

    private ProofOfPossession() {
    }

    /** Decodes a base64 SPKI EC public key on secp256r1, or throws {@code invalid-proof}. */
    public static ECPublicKey p256Key(String base64Spki) {
        byte[] spki = decode(base64Spki, "publicKey");
        return p256Key(spki);
    }

    public static ECPublicKey p256Key(byte[] spki) {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (Exception e) {
            throw NotificationProblems.invalidProof("publicKey is not an EC public key in SPKI (DER) form.");
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw NotificationProblems.invalidProof("publicKey must be on the P-256 (secp256r1) curve.");
        }
        return ec;
    }

    /** Verifies a base64 DER ECDSA-SHA256 signature over {@code signed}, or throws {@code invalid-proof}. */
    public static void verify(ECPublicKey key, byte[] signed, String base64Signature, String what) {
        byte[] signature = decode(base64Signature, "signature");
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(signed);
            valid = verifier.verify(signature);
        } catch (Exception e) {
            valid = false; // a malformed DER signature is just an invalid one
        }
        if (!valid) {
            throw NotificationProblems.invalidProof("signature is not a valid ECDSA-SHA256 signature by this key over "
                    + what + ".");
        }
    }

    private static byte[] decode(String value, String field) {
        if (value == null || value.isBlank()) {
            throw NotificationProblems.invalidProof(field + " is missing.");
        }
        try {
            return StrictBase64.decode(value);
        } catch (IllegalArgumentException e) {
            throw NotificationProblems.invalidProof(field + " is not standard base64 with padding.");
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        return params != null && params.getCurve().equals(P256.getCurve())
                && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder())
                && params.getCofactor() == P256.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (Exception e) {
            throw new IllegalStateException("secp256r1 unavailable", e);
        }
    }
}
