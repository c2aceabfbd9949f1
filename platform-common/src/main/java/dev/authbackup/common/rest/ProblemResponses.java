package dev.authbackup.common.rest;

import dev.authbackup.common.problem.Problems;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Every service's OpenAPI document says how its errors look: an RFC 9457 {@code Problem} schema, that schema as the
 * {@code application/problem+json} body of every 4xx and 5xx answer an operation declares, and the answers any
 * operation of the API can give: 401 (except the public ones), 400 where it takes a body, 500 and 503.
 * Registered with {@code mp.openapi.filter}.
 */
public class ProblemResponses implements OASFilter {

    static final String SCHEMA = "Problem";
    private static final String REF = "#/components/schemas/" + SCHEMA;

    /** What any operation may answer, by status, unless the operation says more precisely. */
    private static final Map<String, String> ANY = Map.of(
            "500", "internal-error: an unexpected failure; nothing that was not committed changed",
            "503", "service-unavailable: a store of the service is unreachable; nothing changed; see Retry-After");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/v1/")) {
                return;
            }
            item.getOperations().forEach((method, operation) -> document(path, method, operation));
        });
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean open = operation.getSecurity() != null && operation.getSecurity().isEmpty()
                || path.equals("/v1/time");
        if (!open) {
            addIfAbsent(responses, "401", "unauthorized: no valid bearer token (WWW-Authenticate: Bearer)");
        }
        if (operation.getRequestBody() != null) {
            addIfAbsent(responses, "400", "malformed-request: not JSON, a value of the wrong type or shape, "
                    + "an unknown enum value");
        }
        ANY.forEach((status, description) -> addIfAbsent(responses, status, description));
        responses.getAPIResponses().forEach((status, response) -> {
            if ((status.startsWith("4") || status.startsWith("5")) && response.getRef() == null
                    && (response.getContent() == null || response.getContent().getMediaTypes() == null
                            || response.getContent().getMediaTypes().isEmpty())) {
                response.setContent(problemContent());
            }
        });
    }

    private static void addIfAbsent(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            APIResponse response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(status, response);
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problems.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(REF)));
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem details. Each cause has its own type URI, "
                        + Problems.typeUri("<name>") + "; extension members carry what the client needs (e.g. "
                        + "currentVersion, conflicts, attemptsRemaining, retryAfter).")
                .addProperty("type", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .format("uri"))
                .addProperty("title", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .required(List.of("type", "title", "status"))
                .additionalPropertiesBoolean(true);
    }
}
