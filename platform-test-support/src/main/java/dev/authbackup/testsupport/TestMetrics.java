package dev.authbackup.testsupport;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads counters from the service's Prometheus endpoint ({@code /q/metrics}). */
public final class TestMetrics {

    private TestMetrics() {
    }

    /**
     * The sum over the series of {@code name} whose labels contain {@code labels} (as rendered, e.g.
     * {@code channel="sms"}); 0 when there is none.
     */
    public static double counter(String name, String labels) {
        String body = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)").matcher(body);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
