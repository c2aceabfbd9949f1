package dev.authbackup.backup.rest;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Upload bodies as the app builds them: random ciphertext and data key, opaque fingerprints. */
public final class BackupFixtures {

    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupFixtures() {
    }

    public static String base64(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getEncoder().encodeToString(value);
    }

    public static String fingerprint() {
        byte[] value = new byte[32];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    public static Map<String, Object> entry(String ref, String kind, boolean push) {
        return new LinkedHashMap<>(Map.of("ref", ref, "kind", kind, "pushEnabled", push, "fingerprint", fingerprint()));
    }

    /** A backup of {@code entries} accounts of mixed kinds. */
    public static Map<String, Object> upload(int entries) {
        List<Map<String, Object>> list = new ArrayList<>();
        String[] kinds = {"personal", "work_school", "third_party"};
        for (int i = 0; i < entries; i++) {
            list.add(entry("e" + i, kinds[i % 3], i % 3 != 2));
        }
        return upload(list);
    }

    public static Map<String, Object> upload(List<Map<String, Object>> entries) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", "iphone-A.1");
        body.put("deviceName", "Alice's iPhone");
        body.put("ciphertext", base64(4096));
        body.put("dataKey", base64(32));
        body.put("manifest", Map.of("entries", entries));
        body.put("settings", base64(64));
        return body;
    }
}
