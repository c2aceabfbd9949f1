package dev.authbackup.common.problem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What counts as a store outage (503) rather than a bug (500), as seen when PostgreSQL restarts under load. */
class StoreOutageTest {

    @Test
    void refusedOrLostConnectionsAndARestartingServerAreOutages() {
        assertTrue(StoreOutage.isOutage(new RuntimeException(new ConnectException("Connection refused"))));
        assertTrue(StoreOutage.isOutage(new IllegalStateException("wrapped", ClosedConnectionException.INSTANCE)));
        assertTrue(StoreOutage.isOutage(new java.net.SocketException("Connection reset")));
        assertTrue(StoreOutage.isOutage(new PgException("the database system is starting up", "FATAL", "57P03", null)));
        assertTrue(StoreOutage.isOutage(new PgException("terminating connection", "FATAL", "57P01", null)));
        assertTrue(StoreOutage.isOutage(new PgException("connection failure", "FATAL", "08006", null)));
    }

    @Test
    void otherFailuresAreNot() {
        assertFalse(StoreOutage.isOutage(new IllegalStateException("a bug")));
        assertFalse(StoreOutage.isOutage(new PgException("duplicate key", "ERROR", "23505", null)));
        assertFalse(StoreOutage.isOutage(new PgException("syntax error", "ERROR", "42601", null)));
    }
}
