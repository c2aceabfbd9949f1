package dev.authbackup.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.authbackup.common.rest.AllowedMethods;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Renders every failure as RFC 9457 {@code application/problem+json}: domain problems, security
 * failures, malformed input and anything unexpected. No class name, stack trace or input value leaks.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final MeterRegistry registry;
    /** Read from the resource classes at the first 405. */
    private volatile AllowedMethods allowed;

    public ProblemMapper(MeterRegistry registry) {
        this.registry = registry;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder builder = build(e.status(), e.type(), e.title(), e.detail(), e.extensions());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        // A missing token gets the plain challenge; a presented but rejected one says so (RFC 6750).
        String challenge = e instanceof AuthenticationFailedException ? "Bearer error=\"invalid_token\"" : "Bearer";
        return build(401, Problems.UNAUTHORIZED, "Authentication required",
                "A valid bearer access token for this API is required.", Map.of())
                .header("WWW-Authenticate", challenge).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return build(403, Problems.FORBIDDEN, "Forbidden", "This account may not perform this operation.", Map.of())
                .build();
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return build(400, Problems.MALFORMED_REQUEST, "The request is malformed",
                "Field '" + path(e) + "' has a value of the wrong type or an unknown value.", Map.of()).build();
    }

    /**
     * A value of the wrong shape (an object or array where text is expected, or the reverse; a body that is not an
     * object). Mapped on its own because quarkus-rest-jackson maps this type itself, with an empty 400.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return jsonMapping(e);
    }

    @ServerExceptionMapper
    public Response jsonMapping(JsonMappingException e) {
        String path = path(e);
        String detail = path.isEmpty() ? "The request body does not have the expected shape."
                : "Field '" + path + "' is missing, of the wrong type or not allowed.";
        return build(400, Problems.MALFORMED_REQUEST, "The request is malformed", detail, Map.of()).build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return build(400, Problems.MALFORMED_REQUEST, "The request is malformed",
                "The request body is not valid JSON.", Map.of()).build();
    }

    @ServerExceptionMapper({ConstraintViolationException.class, ResteasyReactiveViolationException.class})
    public Response constraintViolation(ConstraintViolationException e) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .map(v -> Map.of("field", leaf(v.getPropertyPath().toString()), "message", v.getMessage()))
                .sorted((a, b) -> a.get("field").compareTo(b.get("field")))
                .collect(Collectors.toList());
        return build(422, Problems.VALIDATION_FAILED, "The request is not valid",
                errors.size() + " field(s) are not valid.", Map.of("errors", errors)).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof JsonMappingException mapping ? jsonMapping(mapping) : json(json);
        }
        Response.ResponseBuilder builder = switch (status) {
            case 400 -> build(400, Problems.MALFORMED_REQUEST, "The request is malformed",
                    "The request could not be read.", Map.of());
            case 401 -> build(401, Problems.UNAUTHORIZED, "Authentication required",
                    "A valid bearer access token for this API is required.", Map.of())
                    .header("WWW-Authenticate", "Bearer");
            case 403 -> build(403, Problems.FORBIDDEN, "Forbidden", "This account may not perform this operation.",
                    Map.of());
            case 404 -> build(404, Problems.NOT_FOUND, "Not found", "There is no such resource.", Map.of());
            case 405 -> withAllow(build(405, Problems.METHOD_NOT_ALLOWED, "Method not allowed",
                    "This resource does not support that method.", Map.of()), e, uri);
            case 406 -> build(406, Problems.NOT_ACCEPTABLE, "Not acceptable",
                    "This resource cannot answer in the requested media type.", Map.of());
            case 413 -> build(413, Problems.PAYLOAD_TOO_LARGE, "Payload too large",
                    "The request body is larger than this endpoint accepts.", Map.of());
            case 415 -> build(415, Problems.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send the request body as application/json.", Map.of());
            default -> build(status, status >= 500 ? Problems.INTERNAL_ERROR : Problems.MALFORMED_REQUEST,
                    e.getResponse().getStatusInfo().getReasonPhrase(), "The request could not be completed.",
                    Map.of());
        };
        // Keep protocol headers such as Allow and Retry-After that the framework attached.
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    /** A 405 names the methods the resource supports (RFC 9110 §15.5.6); the REST layer leaves that out. */
    private Response.ResponseBuilder withAllow(Response.ResponseBuilder builder, WebApplicationException e,
            UriInfo uri) {
        if (!e.getResponse().getHeaders().containsKey(HttpHeaders.ALLOW)) {
            if (allowed == null) {
                allowed = AllowedMethods.ofThisApplication();
            }
            String methods = allowed.allow(uri.getPath());
            if (!methods.isEmpty()) {
                builder.header(HttpHeaders.ALLOW, methods);
            }
        }
        return builder;
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (StoreOutage.isOutage(e)) {
            // The database is restarting or unreachable: nothing was committed, and trying again soon is right.
            LOG.warnf("A store is unreachable; answered 503: %s", StoreOutage.describe(e));
            return build(503, Problems.SERVICE_UNAVAILABLE, "Service unavailable",
                    "A store of this service is unreachable right now; nothing was changed. Try again shortly.",
                    Map.of()).header("Retry-After", "2").build();
        }
        // Logged once, server side, with its type only in the stack trace; the client sees no detail.
        LOG.error("Unexpected failure while handling a request", e);
        return build(500, Problems.INTERNAL_ERROR, "Internal error",
                "The request could not be completed; it changed nothing that was not committed.", Map.of()).build();
    }

    /** Every problem answer passes here, so each is counted by type: refusals by reason, per service. */
    Response.ResponseBuilder build(int status, String type, String title, String detail,
            Map<String, Object> extensions) {
        Problems.count(registry, status, type);
        return Response.status(status).type(Problems.MEDIA_TYPE)
                .entity(Problems.body(status, type, title, detail, extensions));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String leaf(String propertyPath) {
        // "store.body.manifest.entries[0].ref" -> "manifest.entries[0].ref": drop method and parameter names.
        String[] parts = propertyPath.split("\\.", 3);
        return parts[parts.length - 1];
    }
}
