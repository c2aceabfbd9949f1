package dev.authbackup.client;

import java.util.Map;

/**
 * An organisation's admin (role {@code provider-admin} of a tenant) in the admin console: issues the QR
 * activation code that lets an employee verify a recovered work/school account on a new phone.
 */
public final class TenantAdmin {

    private final Endpoints endpoints;
    private final Http http = new Http();
    private final String tenant;
    private final String token;

    public TenantAdmin(Endpoints endpoints, String tenant, String username, String password) {
        this.endpoints = endpoints;
        this.tenant = tenant;
        this.token = new KeycloakSignIn(endpoints).signIn(username, password).accessToken();
    }

    /** Issues an activation code for {@code upn}: 201 {id, tenant, upn, code, url, qrPayload, expiresAt}. */
    public Answer issueActivationCode(String upn) {
        return http.call("POST", endpoints.verification() + "/v1/tenants/" + tenant + "/activation-codes", token,
                Map.of("upn", upn));
    }

    /** The QR image of a live activation code (as bytes of a PNG), or the problem. */
    public Http.Bytes qrImage(String activationCodeId) {
        return http.bytes(endpoints.verification() + "/v1/tenants/" + tenant + "/activation-codes/" + activationCodeId
                + "/qr.png", token);
    }
}
