package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** One HTTP answer of the platform: status, JSON body (a problem document on errors) and headers. */
public record Answer(String request, int status, JsonNode body, HttpHeaders headers) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The problem type's last segment ({@code no-backup}), or null when the answer is not a problem. */
    public String problem() {
        JsonNode type = body == null ? null : body.get("type");
        return type == null ? null : type.asText().substring(type.asText().lastIndexOf('/') + 1);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** This answer if its status is one of {@code expected}; otherwise fails, saying what came back. */
    public Answer expect(int... expected) {
        for (int status : expected) {
            if (this.status == status) {
                return this;
            }
        }
        throw new IllegalStateException(request + " answered " + status + ": " + body);
    }

    public String text(String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
