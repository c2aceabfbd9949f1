package dev.authbackup.client.chaos;

import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Bad input against every endpoint of the contract: malformed JSON, wrong types, missing or unknown fields
 * and enum values, oversize values, unicode edge cases (NUL, lone surrogates, bidi overrides, emoji in
 * identifiers), invalid base64, odd path parameters, missing or garbage headers and tokens. Every request
 * is built to be invalid, so none may be accepted, none may answer 5xx, and no row may change. Seeded, so a
 * finding can be replayed ({@code -Dauthbackup.fuzz-seed}).
 */
final class Fuzz {

    record Result(long seed, int requests, List<String> serverErrors, List<String> accepted) {
    }

    /** One endpoint: how to call it and a body that is valid or nearly so, for mutations to break. */
    private record Endpoint(String method, String base, String path, String body, String... headers) {
    }

    private static final String[] ODD_IDS = {"..%2F..%2Fetc%2Fpasswd", "%00", "x".repeat(600), "%F0%9F%98%80",
        "%E2%80%AEevil", "00000000-0000-0000-0000-000000000000", "null", "-1", "%27%20OR%201%3D1--", "%ED%A0%80"};
    private static final String[] ODD_STRINGS = {"\\u0000", "\\ud800", "\\udfff", "\\u202e\\u202d", "😀😀", "\\ufeff",
        "", " ", "a\\nb", "%s%s%n", "'; DROP TABLE backup; --"};

    private final AuthenticatorApp phone;
    private final long seed;
    private final Random random;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Endpoint> endpoints;

    Fuzz(AuthenticatorApp phone, long seed) {
        this.phone = phone;
        this.seed = seed;
        this.random = new Random(seed);
        Endpoints e = phone.endpoints();
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String fingerprint = "ab".repeat(32);
        String upload = "{\"deviceId\":\"fuzz-phone\",\"deviceName\":\"Fuzz\",\"ciphertext\":\"AAAA\",\"dataKey\":\"" + key
                + "\",\"manifest\":{\"entries\":[{\"ref\":\"a\",\"kind\":\"third_party\",\"pushEnabled\":false,"
                + "\"fingerprint\":\"" + fingerprint + "\"}]}}"; // settings left out: optional, never the field dropped
        String uuid = "0f8b5a62-3c1e-4a8f-9d2b-7e6c5b4a3921";
        endpoints = List.of(
                new Endpoint("PUT", e.backup(), "/v1/backups/ios", upload, "If-Match", "\"1\""),
                new Endpoint("PUT", e.backup(), "/v1/backups/android", upload, "If-None-Match", "*"),
                new Endpoint("PUT", e.backup(), "/v1/backups/{id}", upload, "If-None-Match", "*"),
                new Endpoint("GET", e.backup(), "/v1/backups/{id}", null),
                new Endpoint("GET", e.backup(), "/v1/backups/{id}/versions", null),
                new Endpoint("DELETE", e.backup(), "/v1/backups/{id}", null),
                new Endpoint("POST", e.backup(), "/v1/backups/ios/restore", "{\"version\":999999}"),
                new Endpoint("POST", e.backup(), "/v1/backups/{id}/restore", "{\"version\":1}"),
                new Endpoint("GET", e.backup(), "/v1/backups/ios/content?recoveryId={id}", null),
                new Endpoint("POST", e.recovery(), "/v1/recoveries",
                        "{\"platform\":\"ios\",\"deviceId\":\"fuzz-new\",\"localFingerprints\":[]}"),
                new Endpoint("GET", e.recovery(), "/v1/recoveries/{id}", null),
                new Endpoint("DELETE", e.recovery(), "/v1/recoveries/{id}", null),
                new Endpoint("POST", e.verification(), "/v1/security-info",
                        "{\"type\":\"email\",\"value\":\"fuzz@example.com\"}"),
                new Endpoint("POST", e.verification(), "/v1/security-info/{id}/confirm", "{\"code\":\"12345678\"}"),
                new Endpoint("DELETE", e.verification(), "/v1/security-info/{id}", null),
                new Endpoint("POST", e.verification(), "/v1/verifications", "{\"recoveryId\":\"" + uuid
                        + "\",\"entryRef\":\"a\",\"deviceId\":\"fuzz-new\",\"method\":\"password_and_proof\"}"),
                new Endpoint("POST", e.verification(), "/v1/verifications/{id}/proof",
                        "{\"proofId\":\"" + uuid + "\",\"value\":\"fuzz@example.com\"}"),
                new Endpoint("POST", e.verification(), "/v1/verifications/{id}/code", "{\"code\":\"12345678\"}"),
                new Endpoint("POST", e.verification(), "/v1/verifications/{id}/activation",
                        "{\"tenant\":\"contoso\",\"upn\":\"a@contoso.example\",\"code\":\"123456789012\"}"),
                new Endpoint("GET", e.verification(), "/v1/verifications/{id}", null),
                new Endpoint("POST", e.verification(), "/v1/tenants/{id}/activation-codes", "{\"upn\":\"a@contoso.example\"}"),
                new Endpoint("GET", e.verification(), "/v1/tenants/contoso/activation-codes/{id}/qr.png", null),
                new Endpoint("DELETE", e.verification(), "/v1/tenants/contoso/activation-codes/{id}", null),
                new Endpoint("GET", e.notification(), "/v1/devices/{id}/provisioning", null),
                new Endpoint("POST", e.notification(), "/v1/devices/{id}/push-keys", "{\"recoveryId\":\"" + uuid
                        + "\",\"entryRef\":\"a\",\"publicKey\":\"" + key + "\",\"signature\":\"" + key
                        + "\",\"pushProvider\":\"apns\",\"pushToken\":\"t\"}"),
                new Endpoint("POST", e.notification(), "/v1/devices/{id}/credentials",
                        "{\"recoveryId\":\"" + uuid + "\",\"entryRef\":\"a\"}"),
                new Endpoint("POST", e.notification(), "/v1/codes/verify", "{\"code\":\"123456\"}"),
                new Endpoint("GET", e.notification(), "/v1/devices/{id}/push-approvals", null),
                new Endpoint("POST", e.notification(), "/v1/push-approvals/{id}/responses", "{\"deviceId\":\"fuzz-new\","
                        + "\"keyId\":\"" + uuid + "\",\"approve\":true,\"signature\":\"" + key + "\"}"),
                new Endpoint("DELETE", e.notification(), "/v1/devices/{id}", null));
    }

    Result run(int requests) {
        List<String> serverErrors = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
            Call call = mutate(endpoint);
            int status = send(call);
            if (status >= 500) {
                serverErrors.add(status + " " + call);
            } else if (status < 400 && !readOnly(endpoint, call)) {
                accepted.add(status + " " + call);
            }
        }
        System.out.printf("chaos: fuzz: %d requests (seed %d), %d answered 5xx, %d accepted%n", requests, seed,
                serverErrors.size(), accepted.size());
        serverErrors.stream().limit(20).forEach(f -> System.out.println("chaos:   5xx " + f));
        accepted.stream().limit(20).forEach(f -> System.out.println("chaos:   accepted " + f));
        return new Result(seed, requests, serverErrors, accepted);
    }

    /**
     * A GET of an odd but harmless address may answer 200 (an empty list of a device's provisioning, say), and
     * so may an undelete of a backup that is not deleted (a body the restore endpoint cannot read is none):
     * what matters there is that no row changes, which the chaos suite checks.
     */
    private static boolean readOnly(Endpoint endpoint, Call call) {
        return endpoint.method().equals("GET") || endpoint.path().equals("/v1/backups/ios/restore");
    }

    private record Call(String method, String url, String body, String contentType, String token, List<String> headers) {
        @Override
        public String toString() {
            String shown = body == null ? "" : " " + (body.length() > 160 ? body.substring(0, 160) + "…(" + body.length()
                    + " chars)" : body);
            return method + " " + (url.length() > 160 ? url.substring(0, 160) + "…" : url) + " " + headers + shown;
        }
    }

    /** One invalid variant of a call to {@code endpoint}. */
    private Call mutate(Endpoint endpoint) {
        String id = ODD_IDS[random.nextInt(ODD_IDS.length)];
        String url = endpoint.base() + endpoint.path().replace("{id}", id);
        List<String> headers = new ArrayList<>(List.of(endpoint.headers()));
        String token = phone.token();
        String contentType = "application/json";
        String body = endpoint.body();
        boolean pathIsOdd = endpoint.path().contains("{id}");
        int kind = random.nextInt(pathIsOdd ? 12 : 9);
        switch (kind) {
            case 0 -> token = null;
            case 1 -> token = "garbage." + Base64.getEncoder().encodeToString(("{\"sub\":\"x\"}").getBytes()) + ".sig";
            case 2 -> body = body == null ? "{" : body.substring(0, random.nextInt(body.length()));
            case 3 -> body = body == null ? "[]" : retype(body);
            case 4 -> body = body == null ? "\"x\"" : dropField(body);
            // Oversize values, inside the 512 KiB HTTP limit so that the service reads and judges them (a body
            // beyond it is refused by the HTTP layer with 413 and a closed connection).
            case 5 -> body = body == null ? "{\"a\":\"" + "x".repeat(400_000) + "\"}"
                    : oddValue(body, "x".repeat(300_000 / Math.max(1, topLevelFields(body).size())));
            case 6 -> body = body == null ? "{\"\\ud800\":1}" : oddValue(body, ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
            case 7 -> {
                contentType = random.nextBoolean() ? "text/plain" : "application/xml";
                body = body == null ? "<x/>" : body;
            }
            case 8 -> {
                headers.clear();
                headers.addAll(List.of("If-Match", "\"" + "9".repeat(30) + "\"", "Idempotency-Key", "k".repeat(300)));
                body = body == null ? null : oddEnum(body);
            }
            default -> {
                // The odd path parameter alone, with the body as it is (when the path names a valid platform
                // or resource the body is broken too, so that nothing can be valid).
                body = body == null ? null : (endpoint.path().contains("{id}") ? body : retype(body));
            }
        }
        if (body == null && (endpoint.method().equals("DELETE") || endpoint.method().equals("GET")) && !pathIsOdd) {
            token = null; // a bodiless call on a real resource is only invalid without its token
        }
        return new Call(endpoint.method(), url, body, contentType, token, headers);
    }

    /** Each top-level value of the JSON object turned into a value of another type. */
    private String retype(String body) {
        String[] replacements = {"123", "true", "null", "[]", "{}", "\"x\"", "-1.5e309"};
        return transformValues(body, v -> replacements[random.nextInt(replacements.length)]);
    }

    /** One required-looking field left out (always one, so the body is never the valid original). */
    private String dropField(String body) {
        List<String> fields = topLevelFields(body);
        int dropped = fields == null ? 0 : random.nextInt(fields.size());
        int[] index = {0};
        return transformValues(body, v -> index[0]++ == dropped ? null : v);
    }

    /** String values replaced by {@code odd} (raw JSON escapes kept: NUL, lone surrogates...). */
    private String oddValue(String body, String odd) {
        return transformValues(body, v -> "\"" + odd + "\"");
    }

    private String oddEnum(String body) {
        return body.replace("\"ios\"", "\"windows\"").replace("\"email\"", "\"fax\"")
                .replace("\"password_and_proof\"", "\"telepathy\"").replace("\"apns\"", "\"pager\"")
                .replace("\"third_party\"", "\"corporate\"").replace("\"code\":\"12345678\"", "\"code\":\"1234\"")
                .replace("\"code\":\"123456\"", "\"code\":\"12a456\"").replace("\"approve\":true", "\"approve\":\"yes\"")
                .replace("\"version\":999999", "\"version\":\"latest\"").replace("\"version\":1", "\"version\":0")
                .replace("\"upn\":\"a@contoso.example\"", "\"upn\":\"\"")
                .replace("\"code\":\"123456789012\"", "\"code\":\"12\"")
                .replace("\"entryRef\":\"a\"", "\"entryRef\":\"" + "r".repeat(5000) + "\"");
    }

    /**
     * Applies {@code change} to each top-level value of a flat-enough JSON object (null drops the field). A
     * small hand parser, so that the result can hold what a JSON library would never write.
     */
    private static String transformValues(String body, Function<String, String> change) {
        List<String> fields = topLevelFields(body);
        if (fields == null) {
            return body + "}";
        }
        StringBuilder out = new StringBuilder("{");
        for (String field : fields) {
            int colon = field.indexOf("\":") + 1;
            String value = change.apply(field.substring(colon + 1));
            if (value != null) {
                out.append(out.length() > 1 ? "," : "").append(field, 0, colon + 1).append(value);
            }
        }
        return out.append('}').toString();
    }

    /** The {@code "name":value} parts of a JSON object, split at top-level commas. */
    private static List<String> topLevelFields(String body) {
        String inner = body.trim();
        if (!inner.startsWith("{") || !inner.endsWith("}")) {
            return null;
        }
        inner = inner.substring(1, inner.length() - 1);
        List<String> fields = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '"' && (i == 0 || inner.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '{' || c == '[')) {
                depth++;
            } else if (!quoted && (c == '}' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                fields.add(inner.substring(start, i));
                start = i + 1;
            }
        }
        if (start < inner.length()) {
            fields.add(inner.substring(start));
        }
        return fields;
    }

    private int send(Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(call.url())).timeout(Duration.ofSeconds(30));
        if (call.token() != null) {
            request.header("Authorization", "Bearer " + call.token());
        }
        for (int i = 0; i + 1 < call.headers().size(); i += 2) {
            request.header(call.headers().get(i), call.headers().get(i + 1));
        }
        if (call.body() != null) {
            request.header("Content-Type", call.contentType());
        }
        request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(call.body()));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 599; // the connection broke: as bad as a 5xx
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 599;
        }
    }
}
