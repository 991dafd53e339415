package io.ferrum.testkit.conductor;

import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Fresh schemas in the PostgreSQL that {@code FERRUM_TEST_PG_URL} names. Tests skip without it,
 * unless {@code FERRUM_TEST_REQUIRE} contains {@code postgres}: then they fail.
 */
final class TestPostgres {

  private static final String URL_VARIABLE = "FERRUM_TEST_PG_URL";

  private TestPostgres() {}

  static void assumeAvailable() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      String reason =
          "PostgreSQL tests skipped: set "
              + URL_VARIABLE
              + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres) to run them";
      String require = System.getenv("FERRUM_TEST_REQUIRE");
      if (require != null && require.toLowerCase(Locale.ROOT).contains("postgres")) {
        throw new IllegalStateException(
            "PostgreSQL is required here (FERRUM_TEST_REQUIRE) but: " + reason);
      }
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
  }

  /** A new schema, dropped on close. */
  static ConductorCheck.Database fresh() {
    String url = System.getenv(URL_VARIABLE);
    String schema =
        "ferrum_check_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    exec(url, "CREATE SCHEMA " + schema);
    ConnectionPool pool =
        Databases.pooled(
            url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, null, null, 20);
    return new ConductorCheck.Database() {
      @Override
      public DataSource dataSource() {
        return pool;
      }

      @Override
      public void close() {
        pool.close();
        exec(url, "DROP SCHEMA " + schema + " CASCADE");
      }
    };
  }

  private static void exec(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
