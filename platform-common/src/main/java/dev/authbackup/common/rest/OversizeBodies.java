package dev.authbackup.common.rest;

import dev.authbackup.common.problem.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request body over {@code quarkus.http.limits.max-body-size} is refused with an RFC 9457 {@code payload-too-large}
 * problem. Quarkus refuses it too, but with an empty 413 and before the REST layer runs, so its answer has no problem
 * body; this route runs just before Quarkus's (order -2). A {@code Content-Length} over the limit is refused unread;
 * a body sent without a length (chunked) is read up to the limit and refused once it passes it.
 */
@ApplicationScoped
public class OversizeBodies {

    /** Just before Quarkus's own limit check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT, -2). */
    static final int ORDER = -3;

    private final Optional<MemorySize> limit;
    private final MeterRegistry registry;

    public OversizeBodies(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
            MeterRegistry registry) {
        this.limit = limit;
        this.registry = registry;
    }

    void install(@Observes Router router) {
        if (limit.isEmpty()) {
            return;
        }
        long max = limit.get().asLongValue();
        String body = new JsonObject(Problems.body(413, Problems.PAYLOAD_TOO_LARGE, "Payload too large",
                "The request body is larger than this service accepts (" + max / 1024 + " KiB).", Map.of()))
                .encode();
        // A body without a length (chunked) is read here, up to the limit; past it the body handler fails the
        // request with 413, which the failure handler below answers. The REST layer then reads the buffered body.
        BodyHandler unsized = BodyHandler.create(false).setBodyLimit(max);
        router.route().order(ORDER).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                unsized.handle(ctx);
            } else if (length != null && tooLong(length, max)) {
                answer(ctx, body);
            } else {
                ctx.next();
            }
        }).failureHandler(ctx -> {
            if (ctx.response().ended() || ctx.failure() instanceof HttpClosedException) {
                return; // answered already (the body went on arriving), or the client left: nobody to answer
            }
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                answer(ctx, body);
            } else {
                ctx.next();
            }
        });
    }

    private void answer(RoutingContext ctx, String body) {
        Problems.count(registry, 413, Problems.PAYLOAD_TOO_LARGE);
        // The rest of the body is not read: close the connection once answered, as Quarkus does, instead of
        // draining it.
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(ended -> ctx.request().connection().close())
                .end(body);
    }

    private static boolean tooLong(String length, long max) {
        try {
            return Long.parseLong(length.trim()) > max;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed length before any route runs
        }
    }
}
