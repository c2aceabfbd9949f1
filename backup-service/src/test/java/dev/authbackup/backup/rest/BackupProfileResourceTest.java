package dev.authbackup.backup.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestIssuer.class)
class BackupProfileResourceTest {

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void theSaltIs32RandomBytesMadeOnceThenStable() {
        TestIssuer.Token alice = TestIssuer.token();
        String first = given().header("Authorization", alice.bearer()).get("/v1/backup-profile").then()
                .statusCode(200).body("backups", empty()).extract().path("salt");
        String second = given().header("Authorization", alice.bearer()).get("/v1/backup-profile").then()
                .statusCode(200).extract().path("salt");
        assertEquals(32, Base64.getDecoder().decode(first).length);
        assertEquals(first, second);
        String bobs = given().header("Authorization", TestIssuer.token().bearer()).get("/v1/backup-profile").then()
                .statusCode(200).extract().path("salt");
        assertNotEquals(first, bobs);
    }

    @Test
    void theProfileListsTheAccountsBackups() {
        TestIssuer.Token alice = TestIssuer.token();
        given().header("Authorization", alice.bearer()).header("If-None-Match", "*").contentType("application/json")
                .body(BackupFixtures.upload(3)).put("/v1/backups/android").then().statusCode(201);
        given().header("Authorization", alice.bearer()).get("/v1/backup-profile").then()
                .statusCode(200)
                .body("backups.size()", equalTo(1))
                .body("backups[0].platform", equalTo("android"))
                .body("backups[0].version", equalTo(1))
                .body("backups[0].status", equalTo("current"))
                .body("backups[0].entryCount", equalTo(3));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM backup_profile WHERE account_id = ?", alice.accountId()));
    }
}
