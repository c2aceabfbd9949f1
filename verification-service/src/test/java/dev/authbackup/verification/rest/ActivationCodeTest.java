package dev.authbackup.verification.rest;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.Fixtures;
import dev.authbackup.verification.Fixtures.Entry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The work/school path: a tenant admin issues a code (and its QR), the recovering device redeems it. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class ActivationCodeTest {

    private static final String DEVICE = "pixel-9.a";

    @BeforeAll
    static void setUp() {
        Fixtures.open();
    }

    private static String tenant() {
        return "contoso-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TestIssuer.Token admin(String tenant) {
        return TestIssuer.token().roles("provider-admin").tenant(tenant);
    }

    private static ValidatableResponse issue(TestIssuer.Token token, String tenant, String upn) {
        return given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("upn", upn)).post("/v1/tenants/" + tenant + "/activation-codes").then();
    }

    private static ValidatableResponse redeem(TestIssuer.Token token, String verificationId, String tenant, String upn,
            String code) {
        return given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("tenant", tenant, "upn", upn, "code", code))
                .post("/v1/verifications/" + verificationId + "/activation").then();
    }

    private static long codes(String tenant) {
        return TestDatabase.count("SELECT count(*) FROM activation_code WHERE tenant = ?", tenant);
    }

    /** A recovery of this account with one work/school entry, and a verification of it. */
    private static String activationVerification(TestIssuer.Token user) {
        UUID recovery = Fixtures.startRecovery(user.accountId(), DEVICE, new Entry("w1", "work_school", "verification"));
        given().header("Authorization", user.bearer()).contentType("application/json")
                .body(Map.of("recoveryId", recovery.toString(), "entryRef", "w1", "deviceId", DEVICE,
                        "method", "activation_code"))
                .post("/v1/verifications").then().statusCode(201)
                .body("status", equalTo("activation_required")).body("proofs.size()", equalTo(0));
        return (String) TestDatabase.scalar("SELECT id::text FROM verification WHERE recovery_id = ?", recovery);
    }

    @Test
    void theWholeActivationPathFromTheAdminsQrToVerificationSucceededOnKafka() throws Exception {
        String tenant = tenant();
        TestIssuer.Token admin = admin(tenant);
        ValidatableResponse issued = issue(admin, tenant, "Kate@Contoso.com").statusCode(201)
                .body("tenant", equalTo(tenant))
                .body("upn", equalTo("kate@contoso.com"))
                .body("code", matchesPattern("\\d{12}"))
                .body("url", equalTo("http://127.0.0.1:8083/v1/verifications"))
                .body("expiresAt", notNullValue());
        String codeId = issued.extract().path("id");
        String code = issued.extract().path("code");
        String payload = issued.extract().path("qrPayload");
        assertEquals("otpauth-recovery://activate?tenant=" + tenant + "&upn=kate%40contoso.com&code=" + code
                + "&url=http%3A%2F%2F127.0.0.1%3A8083%2Fv1%2Fverifications", payload);

        // The PNG decodes to exactly that payload.
        byte[] png = given().header("Authorization", admin.bearer())
                .get("/v1/tenants/" + tenant + "/activation-codes/" + codeId + "/qr.png")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertEquals(payload, decodeQr(png));
        // Only a keyed hash of the code is stored.
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM activation_code WHERE row_to_json(activation_code)::text LIKE ?",
                "%" + code + "%"));

        TestIssuer.Token user = TestIssuer.token().withoutAuthTime(); // an activation code needs no password sign-in
        String verification = activationVerification(user);
        redeem(user, verification, tenant, "kate@contoso.com", code).statusCode(200).body("status", equalTo("verified"));

        JsonNode event = Fixtures.awaitEvent(user.accountId(), "verification.succeeded.v1", verification);
        assertEquals("activation_code", event.get("method").asText());
        assertEquals("w1", event.get("entryRef").asText());
        assertEquals(DEVICE, event.get("deviceId").asText());
        assertEquals(user.accountId(), TestDatabase.scalar(
                "SELECT used_by_account FROM activation_code WHERE id = ?::uuid", codeId));

        // Single use: another account (and the same one) cannot redeem it again; its QR is gone.
        TestIssuer.Token other = TestIssuer.token();
        String second = activationVerification(other);
        redeem(other, second, tenant, "kate@contoso.com", code).statusCode(410)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "activation-code-used"));
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", second));
        given().header("Authorization", admin.bearer())
                .get("/v1/tenants/" + tenant + "/activation-codes/" + codeId + "/qr.png")
                .then().statusCode(410).body("type", equalTo(PROBLEM + "activation-code-used"));
    }

    @Test
    void aWrongCodeOrUpnOrTenantIs422AndChangesNothing() {
        String tenant = tenant();
        String code = issue(admin(tenant), tenant, "kate@contoso.com").statusCode(201).extract().path("code");
        TestIssuer.Token user = TestIssuer.token();
        String verification = activationVerification(user);
        String wrong = code.equals("000000000000") ? "111111111111" : "000000000000";
        redeem(user, verification, tenant, "kate@contoso.com", wrong).statusCode(422)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "invalid-activation-code"));
        redeem(user, verification, tenant, "someone@contoso.com", code).statusCode(422)
                .body("type", equalTo(PROBLEM + "invalid-activation-code"));
        redeem(user, verification, "fabrikam", "kate@contoso.com", code).statusCode(422)
                .body("type", equalTo(PROBLEM + "invalid-activation-code"));
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", verification));
        assertNull(TestDatabase.scalar("SELECT used_at FROM activation_code WHERE tenant = ?", tenant));
        assertEquals(3, Fixtures.auditRows(3, "SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid "
                + "AND outcome = 'invalid-activation-code'", verification));
        // The right one still works afterwards.
        redeem(user, verification, tenant, "KATE@contoso.com", code).statusCode(200);
    }

    @Test
    void revokedAndExpiredCodesAre410() {
        String tenant = tenant();
        TestIssuer.Token admin = admin(tenant);
        ValidatableResponse revokedCode = issue(admin, tenant, "a@contoso.com").statusCode(201);
        String revokedId = revokedCode.extract().path("id");
        given().header("Authorization", admin.bearer())
                .delete("/v1/tenants/" + tenant + "/activation-codes/" + revokedId).then().statusCode(204);
        ValidatableResponse expiredCode = issue(admin, tenant, "b@contoso.com").statusCode(201);
        TestDatabase.scalar("UPDATE activation_code SET expires_at = now() - interval '1 second' WHERE id = ?::uuid RETURNING id",
                (String) expiredCode.extract().path("id"));

        TestIssuer.Token user = TestIssuer.token();
        String verification = activationVerification(user);
        redeem(user, verification, tenant, "a@contoso.com", revokedCode.extract().path("code")).statusCode(410)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "activation-code-revoked"));
        redeem(user, verification, tenant, "b@contoso.com", expiredCode.extract().path("code")).statusCode(410)
                .body("type", equalTo(PROBLEM + "activation-code-expired"));
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", verification));
        given().header("Authorization", admin.bearer())
                .get("/v1/tenants/" + tenant + "/activation-codes/" + revokedId + "/qr.png").then().statusCode(410);
    }

    @Test
    void nonAdminsAndAdminsOfAnotherTenantAreRefused() {
        String tenant = tenant();
        String codeId = issue(admin(tenant), tenant, "kate@contoso.com").statusCode(201).extract().path("id");
        List<TestIssuer.Token> refused = List.of(
                TestIssuer.token(),                                   // no role
                TestIssuer.token().tenant(tenant),                    // right tenant, no role
                TestIssuer.token().roles("user").tenant(tenant),      // another role
                TestIssuer.token().roles("provider-admin"),           // admin without a tenant
                admin("fabrikam"));                                   // admin of another tenant
        for (TestIssuer.Token token : refused) {
            issue(token, tenant, "x@contoso.com").statusCode(403).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "forbidden"));
            given().header("Authorization", token.bearer())
                    .get("/v1/tenants/" + tenant + "/activation-codes/" + codeId + "/qr.png").then().statusCode(403);
            given().header("Authorization", token.bearer())
                    .delete("/v1/tenants/" + tenant + "/activation-codes/" + codeId).then().statusCode(403);
        }
        assertEquals(1, codes(tenant));
        assertNull(TestDatabase.scalar("SELECT revoked_at FROM activation_code WHERE id = ?::uuid", codeId));
        given().get("/v1/tenants/" + tenant + "/activation-codes/" + codeId + "/qr.png").then().statusCode(401);
        // An admin of this tenant asking for a code of another tenant's id gets 404.
        String other = tenant();
        String otherId = issue(admin(other), other, "y@fabrikam.com").statusCode(201).extract().path("id");
        given().header("Authorization", admin(tenant).bearer())
                .delete("/v1/tenants/" + tenant + "/activation-codes/" + otherId).then().statusCode(404)
                .body("type", equalTo(PROBLEM + "not-found"));
        assertNull(TestDatabase.scalar("SELECT revoked_at FROM activation_code WHERE id = ?::uuid", otherId));
    }

    @Test
    void anActivationVerificationCannotTakeTheProofPathAndViceVersa() {
        TestIssuer.Token user = TestIssuer.token();
        String verification = activationVerification(user);
        given().header("Authorization", user.bearer()).contentType("application/json")
                .body(Map.of("proofId", UUID.randomUUID().toString(), "value", "a@b.com"))
                .post("/v1/verifications/" + verification + "/proof").then().statusCode(409)
                .body("type", equalTo(PROBLEM + "wrong-step"));
        given().header("Authorization", user.bearer()).contentType("application/json").body(Map.of("code", "12345678"))
                .post("/v1/verifications/" + verification + "/code").then().statusCode(409)
                .body("type", equalTo(PROBLEM + "wrong-step"));
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", verification));
    }

    static String decodeQr(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
    }
}
