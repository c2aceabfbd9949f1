package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs a user in the way the mobile app does: authorization code flow with PKCE (S256) and the app's
 * custom-scheme redirect, submitting Keycloak's login form. The tokens carry {@code auth_time}, so a
 * sign-in counts as fresh for 300 s.
 */
public final class KeycloakSignIn {

    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");

    private final Endpoints endpoints;
    private final SecureRandom random = new SecureRandom();

    public KeycloakSignIn(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** Tokens of one sign-in. */
    public record Tokens(String accessToken, String refreshToken) {
    }

    /** Signs an existing user in with the login form. */
    public Tokens signIn(String username, String password) {
        return authorize("auth", "kc-form-login", "username=" + encode(username) + "&password=" + encode(password)
                + "&credentialId=", "sign-in of '" + username + "' failed: wrong password, or a required action is pending");
    }

    /**
     * Creates a new recovery account with the identity provider's registration form (as a person does in the
     * app's "create account" step) and signs it in.
     */
    public Tokens signUp(String username, String email, String password) {
        return authorize("registrations", "kc-register-form", "username=" + encode(username) + "&email="
                + encode(email) + "&firstName=" + encode(username) + "&lastName=Journey&password=" + encode(password)
                + "&password-confirm=" + encode(password), "registration of '" + username + "' failed");
    }

    /** The authorization-code flow with PKCE through one of Keycloak's forms, then the code exchange. */
    private Tokens authorize(String endpoint, String formId, String formBody, String refused) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new SessionCookies())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String verifier = randomUrlSafe(32);
        String state = randomUrlSafe(16);
        String oidc = endpoints.keycloak() + "/realms/" + endpoints.realm() + "/protocol/openid-connect";
        String authorize = oidc + "/" + endpoint + "?response_type=code&client_id=" + encode(endpoints.clientId())
                + "&redirect_uri=" + encode(endpoints.redirectUri()) + "&scope=openid&state=" + state
                + "&nonce=" + randomUrlSafe(16) + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
        return talking(() -> {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(authorize)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher form = Pattern.compile("<form[^>]*id=\"" + formId + "\"[^>]*>").matcher(page.body());
            if (page.statusCode() != 200 || !form.find()) {
                throw new IllegalStateException("Keycloak showed no " + formId + " form (HTTP " + page.statusCode()
                        + ")" + (endpoint.equals("registrations") ? ": is registration allowed in the realm?" : ""));
            }
            Matcher action = ACTION.matcher(form.group());
            if (!action.find()) {
                throw new IllegalStateException("Keycloak's " + formId + " form has no action");
            }
            HttpResponse<String> submitted = browser.send(HttpRequest.newBuilder(
                            URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(formBody))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String location = submitted.headers().firstValue("Location").orElse("");
            if (submitted.statusCode() != 302 || !location.startsWith(endpoints.redirectUri())) {
                throw new IllegalStateException(refused + " (HTTP " + submitted.statusCode() + ")");
            }
            Map<String, String> query = query(location);
            if (!state.equals(query.get("state")) || query.get("code") == null) {
                throw new IllegalStateException("the redirect lacks the code or the state does not match");
            }
            return tokenEndpoint(browser, "grant_type=authorization_code&client_id=" + encode(endpoints.clientId())
                    + "&redirect_uri=" + encode(endpoints.redirectUri()) + "&code=" + encode(query.get("code"))
                    + "&code_verifier=" + verifier);
        });
    }

    /**
     * New tokens for a refresh token. Keycloak keeps the sign-in's {@code auth_time}, so a token refreshed
     * later is not a fresh sign-in: what an app holds after a while without asking for the password.
     */
    public Tokens refresh(String refreshToken) {
        return talking(() -> tokenEndpoint(HttpClient.newHttpClient(), "grant_type=refresh_token&client_id="
                + encode(endpoints.clientId()) + "&refresh_token=" + encode(refreshToken)));
    }

    private Tokens tokenEndpoint(HttpClient client, String form) throws IOException, InterruptedException {
        String oidc = endpoints.keycloak() + "/realms/" + endpoints.realm() + "/protocol/openid-connect";
        HttpResponse<String> token = client.send(HttpRequest.newBuilder(URI.create(oidc + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("the token endpoint answered " + token.statusCode());
        }
        return tokens(token.body());
    }

    /** One conversation with Keycloak; an unreachable Keycloak or an interrupt becomes an unchecked failure. */
    private Tokens talking(Exchange exchange) {
        try {
            return exchange.run();
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Keycloak at " + endpoints.keycloak() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @FunctionalInterface
    private interface Exchange {
        Tokens run() throws IOException, InterruptedException;
    }

    private static Tokens tokens(String body) throws IOException {
        JsonNode tokens = Http.JSON.readTree(body);
        return new Tokens(tokens.get("access_token").asText(),
                tokens.has("refresh_token") ? tokens.get("refresh_token").asText() : null);
    }

    private String randomUrlSafe(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> values = new HashMap<>();
        int start = url.indexOf('?');
        if (start < 0) {
            return values;
        }
        for (String pair : url.substring(start + 1).split("[&#]")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /**
     * The cookies of one sign-in, sent back to the identity provider as a browser would. Java's own
     * CookieManager never sends a {@code Secure} cookie over http, which Keycloak sets even on a local
     * http listener; this jar keeps name and value only, for the one host a sign-in talks to.
     */
    private static final class SessionCookies extends CookieHandler {

        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            StringBuilder header = new StringBuilder();
            cookies.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ").append(name).append('=')
                    .append(value));
            return Map.of("Cookie", List.of(header.toString()));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
            responseHeaders.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                    for (String value : values) {
                        String pair = value.split(";", 2)[0];
                        int equals = pair.indexOf('=');
                        if (equals <= 0) {
                            continue;
                        }
                        String cookie = pair.substring(0, equals).trim();
                        String content = pair.substring(equals + 1).trim();
                        if (content.isEmpty() || value.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                            cookies.remove(cookie);
                        } else {
                            cookies.put(cookie, content);
                        }
                    }
                }
            });
        }
    }
}
