package dev.authbackup.common.problem;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Tells a store outage (PostgreSQL refusing connections, restarting, or resetting them) from a bug: the first
 * is answered 503 with {@code Retry-After}, the second 500; a consumer waits out the first instead of
 * dead-lettering. Connection failures are SQLSTATE class 08; a server shutting down or starting up is 57P01–57P03.
 */
public final class StoreOutage {

    private StoreOutage() {
    }

    public static boolean isOutage(Throwable failure) {
        return outageIn(failure) != null;
    }

    /** The outage's class and message, without a stack trace (the cause is known and needs none). */
    public static String describe(Throwable failure) {
        Throwable outage = outageIn(failure);
        return outage == null ? "" : outage.getClass().getSimpleName() + ": " + outage.getMessage();
    }

    private static Throwable outageIn(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable cause = failure; cause != null && seen.put(cause, true) == null; cause = cause.getCause()) {
            // Refused (ConnectException) or reset connections, and channels closed under a query.
            if (cause instanceof SocketException || cause instanceof ClosedChannelException
                    || cause instanceof ClosedConnectionException) {
                return cause;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().matches("57P0[123]"))) {
                return cause;
            }
        }
        return null;
    }
}
