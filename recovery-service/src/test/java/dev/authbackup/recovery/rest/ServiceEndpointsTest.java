package dev.authbackup.recovery.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What every service offers operators: readiness on its store and Kafka, metrics, OpenAPI; /v1 needs a token. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class ServiceEndpointsTest {

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("Kafka"));
    }

    @Test
    void metricsAreInPrometheusFormatWithLatencyBucketsPerService() {
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/recoveries/" + java.util.UUID.randomUUID())
                .then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("authbackup_outbox_published_total{application=\"recovery-service\""))
                .body(containsString("http_server_requests_seconds_bucket{application=\"recovery-service\""))
                .body(containsString("le=\"0.25\""))
                // The database pool's gauges; the SQL client's per-connection gauges, which counted one connection
                // of the pool, are dropped, its shared counters and timers kept.
                .body(containsString("sql_pool_queue_size{application=\"recovery-service\""))
                .body(containsString("sql_pool_active{application=\"recovery-service\""))
                .body(containsString("postgresql_completed_total{application=\"recovery-service\""))
                .body(not(containsString("postgresql_queue_size")))
                .body(not(containsString("postgresql_current")));
    }

    @Test
    void openApiDescribesTheV1Api() {
        given().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/v1/recoveries/{id}"));
    }

    @Test
    void v1NeedsATokenAndAnUnknownRecoveryIs404() {
        given().get("/v1/recoveries/abc").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/recoveries/abc").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://authbackup.dev/problems/recovery-not-found"));
    }
}
