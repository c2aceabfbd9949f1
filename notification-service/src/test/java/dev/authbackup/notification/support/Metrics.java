package dev.authbackup.notification.support;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one counter from the service's Prometheus endpoint. */
public final class Metrics {

    private Metrics() {
    }

    /** The value of {@code name{labels}} (labels as rendered, e.g. {@code channel="sms"}), 0 when absent. */
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
