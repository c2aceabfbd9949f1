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

    private static final Pattern FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>");
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");

    private final Endpoints endpoints;
    private final SecureRandom random = new SecureRandom();

    public KeycloakSignIn(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** Tokens of one sign-in. */
    public record Tokens(String accessToken, String refreshToken) {
    }

    public Tokens signIn(String username, String password) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new SessionCookies())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String verifier = randomUrlSafe(32);
        String state = randomUrlSafe(16);
        String oidc = endpoints.keycloak() + "/realms/" + endpoints.realm() + "/protocol/openid-connect";
        String authorize = oidc + "/auth?response_type=code&client_id=" + encode(endpoints.clientId())
                + "&redirect_uri=" + encode(endpoints.redirectUri()) + "&scope=openid&state=" + state
                + "&nonce=" + randomUrlSafe(16) + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
        try {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(authorize)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher form = FORM.matcher(page.body());
            if (page.statusCode() != 200 || !form.find()) {
                throw new IllegalStateException("Keycloak showed no login form (HTTP " + page.statusCode() + ")");
            }
            Matcher action = ACTION.matcher(form.group());
            if (!action.find()) {
                throw new IllegalStateException("Keycloak's login form has no action");
            }
            HttpResponse<String> login = browser.send(HttpRequest.newBuilder(
                            URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password="
                            + encode(password) + "&credentialId="))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String location = login.headers().firstValue("Location").orElse("");
            if (login.statusCode() != 302 || !location.startsWith(endpoints.redirectUri())) {
                throw new IllegalStateException("sign-in of '" + username + "' failed (HTTP " + login.statusCode()
                        + "): wrong password, or a required action is pending");
            }
            Map<String, String> query = query(location);
            if (!state.equals(query.get("state")) || query.get("code") == null) {
                throw new IllegalStateException("the redirect lacks the code or the state does not match");
            }
            HttpResponse<String> token = browser.send(HttpRequest.newBuilder(URI.create(oidc + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id="
                            + encode(endpoints.clientId()) + "&redirect_uri=" + encode(endpoints.redirectUri())
                            + "&code=" + encode(query.get("code")) + "&code_verifier=" + verifier))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new IllegalStateException("the token endpoint answered " + token.statusCode());
            }
            JsonNode tokens = Http.JSON.readTree(token.body());
            return new Tokens(tokens.get("access_token").asText(),
                    tokens.has("refresh_token") ? tokens.get("refresh_token").asText() : null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Keycloak at " + endpoints.keycloak() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
