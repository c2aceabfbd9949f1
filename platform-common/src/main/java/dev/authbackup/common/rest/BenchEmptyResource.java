package dev.authbackup.common.rest;

import dev.authbackup.common.config.PlatformConfig;
import dev.authbackup.common.problem.Problems;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The baseline of {@code ./platform bench}: an authenticated endpoint that does nothing, so that a
 * benchmark can set an endpoint's rate beside what the same service's HTTP, OIDC token check and REST
 * layers cost alone. Not part of the API: off (404) unless {@code authbackup.bench.empty-endpoint=true},
 * which only the benchmark sets, and absent from the OpenAPI document. It answers on the event loop, as the
 * reactive endpoints it is set beside do: a blocking method would add a hop to a worker thread and back that those
 * endpoints do not pay, and so lower the baseline.
 */
@Path("/v1/bench/empty")
public class BenchEmptyResource {

    private final PlatformConfig config;

    public BenchEmptyResource(PlatformConfig config) {
        this.config = config;
    }

    @GET
    @NonBlocking
    @Operation(hidden = true)
    public Response empty() {
        if (!config.bench().emptyEndpoint()) {
            throw Problems.notFound("There is nothing here.");
        }
        return Response.noContent().build();
    }
}
