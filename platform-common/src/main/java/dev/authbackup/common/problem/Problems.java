package dev.authbackup.common.problem;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Problem types shared by every service, and the one place the problem type URI is built. */
public final class Problems {

    public static final String TYPE_BASE = "https://authbackup.dev/problems/";
    public static final String MEDIA_TYPE = "application/problem+json";

    public static final String UNAUTHORIZED = "unauthorized";
    public static final String INSUFFICIENT_USER_AUTHENTICATION = "insufficient-user-authentication";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not-found";
    public static final String MALFORMED_REQUEST = "malformed-request";
    public static final String VALIDATION_FAILED = "validation-failed";
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";
    public static final String NOT_ACCEPTABLE = "not-acceptable";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    public static final String SERVICE_UNAVAILABLE = "service-unavailable";
    public static final String INTERNAL_ERROR = "internal-error";

    /** RFC 9470 step-up challenge: the token's auth_time is missing or older than this. */
    public static final long FRESH_SIGN_IN_MAX_AGE_SECONDS = 300;
    public static final String STEP_UP_CHALLENGE =
            "Bearer error=\"insufficient_user_authentication\", max_age=" + FRESH_SIGN_IN_MAX_AGE_SECONDS;

    private Problems() {
    }

    public static String typeUri(String type) {
        return TYPE_BASE + type;
    }

    /**
     * The RFC 9457 body of a problem answer: its members in order, then its extensions. Every answer a service
     * writes, from the REST layer or from a route before it, is built here.
     */
    public static Map<String, Object> body(int status, String type, String title, String detail,
            Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", typeUri(type));
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        body.putAll(extensions);
        return body;
    }

    /** Counts one problem answer by type and status ({@code authbackup_problems_total}): refusals by reason. */
    public static void count(MeterRegistry registry, int status, String type) {
        registry.counter("authbackup.problems", "type", type, "status", Integer.toString(status)).increment();
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(NOT_FOUND, 404, "Not found", detail);
    }

    public static ProblemException validation(String detail) {
        return new ProblemException(VALIDATION_FAILED, 422, "The request is not valid", detail);
    }

    public static ProblemException malformed(String detail) {
        return new ProblemException(MALFORMED_REQUEST, 400, "The request is malformed", detail);
    }

    public static ProblemException freshSignInRequired() {
        return new ProblemException(INSUFFICIENT_USER_AUTHENTICATION, 401, "A fresh sign-in is required",
                "Sign in again with your password; this operation needs a sign-in from the last "
                        + FRESH_SIGN_IN_MAX_AGE_SECONDS + " seconds.")
                .with("maxAge", FRESH_SIGN_IN_MAX_AGE_SECONDS)
                .withHeader("WWW-Authenticate", STEP_UP_CHALLENGE);
    }
}
