package dev.authbackup.verification.domain;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Brings a Redis answer back to the Vert.x context of the request that asked: its reactive session is bound there. */
final class CallerContext {

    private CallerContext() {
    }

    static <T> Uni<T> resume(Uni<T> answer) {
        Context context = Vertx.currentContext();
        return context == null ? answer : answer.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
