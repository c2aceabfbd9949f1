package dev.authbackup.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain JDBC access to the service's test database: clean it per test class, and look inside. */
public final class TestDatabase {

    private TestDatabase() {
    }

    private static Connection connect() throws Exception {
        var config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres");
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        return DriverManager.getConnection(url, user, password);
    }

    /**
     * Empties every table of the service (not Flyway's history), so a test class starts on clean data. The
     * running service's relay and consumers may hold row locks meanwhile: a deadlock is retried.
     */
    public static void truncateAll() {
        for (int attempt = 1; ; attempt++) {
            try {
                truncateOnce();
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("deadlock")) {
                    throw e;
                }
            }
        }
    }

    private static void truncateOnce() {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    tables.add('"' + rs.getString(1) + '"');
                }
            }
            if (!tables.isEmpty()) {
                statement.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot clean the test database: " + e.getMessage(), e);
        }
    }

    /** A session of its own, for a test that holds something (a lock) while the service works; close it. */
    public static Connection session() {
        try {
            return connect();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot connect to the test database: " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query, or null when it returns no row. */
    public static Object scalar(String sql, Object... params) {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException("Query failed: " + e.getMessage(), e);
        }
    }

    /** Runs a statement that changes rows (to set up a state, such as an old timestamp); answers how many. */
    public static int execute(String sql, Object... params) {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException("Statement failed: " + e.getMessage(), e);
        }
    }

    public static long count(String sql, Object... params) {
        Object value = scalar(sql, params);
        return value == null ? 0 : ((Number) value).longValue();
    }
}
