package dev.authbackup.client;

/**
 * Where the platform is. Defaults are the local stack of {@code ./platform up}; each can be overridden by
 * a system property or environment variable (e.g. {@code -Dauthbackup.backup-url} / {@code BACKUP_URL}).
 */
public record Endpoints(String keycloak, String realm, String clientId, String redirectUri, String backup,
        String recovery, String verification, String notification, String greenMailApi, String wireMock) {

    public static Endpoints local() {
        return new Endpoints(
                setting("keycloak-url", "KEYCLOAK_URL", "http://127.0.0.1:8180"),
                setting("realm", "KEYCLOAK_REALM", "authenticator"),
                setting("client-id", "OIDC_CLIENT_ID", "authenticator-app"),
                setting("redirect-uri", "OIDC_REDIRECT_URI", "authbackup://oauth2redirect"),
                setting("backup-url", "BACKUP_URL", "http://127.0.0.1:8081"),
                setting("recovery-url", "RECOVERY_URL", "http://127.0.0.1:8082"),
                setting("verification-url", "VERIFICATION_URL", "http://127.0.0.1:8083"),
                setting("notification-url", "NOTIFICATION_URL", "http://127.0.0.1:8084"),
                setting("greenmail-url", "GREENMAIL_URL", "http://127.0.0.1:8025"),
                setting("wiremock-url", "WIREMOCK_URL", "http://127.0.0.1:8089"));
    }

    private static String setting(String property, String variable, String fallback) {
        String value = System.getProperty("authbackup." + property);
        if (value == null) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
