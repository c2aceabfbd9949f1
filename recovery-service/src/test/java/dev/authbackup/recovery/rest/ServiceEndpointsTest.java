package dev.authbackup.recovery.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
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
    void openApiDescribesEveryErrorAsAProblem() throws Exception {
        JsonNode api = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        assertEquals(List.of("detail", "status", "title", "type"), fieldNames(
                api.at("/components/schemas/Problem/properties")).stream().sorted().toList());
        JsonNode begin = api.at("/paths/~1v1~1recoveries/post/responses");
        // The contract's answers of POST /v1/recoveries, and those of any operation.
        for (String status : List.of("201", "400", "401", "404", "409", "422", "500", "503")) {
            assertTrue(begin.has(status), "POST /v1/recoveries documents " + status + ": " + begin);
        }
        assertEquals("#/components/schemas/RecoveryView", begin.at("/201/content/application~1json/schema/$ref")
                .asText());
        // Every error answer of every operation is a problem.
        api.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation ->
                operation.getValue().path("responses").fields().forEachRemaining(response -> {
                    if (response.getKey().matches("[45]\\d\\d")) {
                        assertEquals("#/components/schemas/Problem", response.getValue()
                                .at("/content/application~1problem+json/schema/$ref").asText(),
                                operation.getKey() + " " + path.getKey() + " " + response.getKey());
                    }
                })));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void v1NeedsATokenAndAnUnknownRecoveryIs404() {
        given().get("/v1/recoveries/abc").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/recoveries/abc").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://authbackup.dev/problems/recovery-not-found"));
    }
}
