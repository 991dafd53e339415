package io.ferrum.conductor.testing;

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
 * Fresh, empty databases for tests: an in-memory H2 database, or a new schema in the PostgreSQL
 * named by {@code FERRUM_TEST_PG_URL} (e.g. {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 *
 * <p>PostgreSQL tests skip with a reason when that variable is unset, unless {@code
 * FERRUM_TEST_REQUIRE} contains {@code postgres} (as {@code .ci/run} sets it): then they fail.
 */
public final class TestDatabases {

  /** The variable naming the PostgreSQL server for tests. */
  public static final String PG_URL_VARIABLE = "FERRUM_TEST_PG_URL";

  private TestDatabases() {}

  /** Which database a test runs on. */
  public enum Kind {
    H2,
    POSTGRES;

    @Override
    public String toString() {
      return this == H2 ? "H2" : "PostgreSQL";
    }
  }

  /** Why PostgreSQL tests cannot run here, or {@code null} when they can. */
  public static String postgresUnavailable() {
    String url = System.getenv(PG_URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return "PostgreSQL tests skipped: set "
          + PG_URL_VARIABLE
          + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres) to run them";
    }
    return null;
  }

  /** Whether this run must not skip PostgreSQL tests. */
  public static boolean postgresRequired() {
    String require = System.getenv("FERRUM_TEST_REQUIRE");
    return require != null && require.toLowerCase(Locale.ROOT).contains("postgres");
  }

  /** A fresh empty database; close it with {@link Fresh#close()}. */
  public static Fresh create(Kind kind) {
    String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    if (kind == Kind.H2) {
      ConnectionPool pool =
          Databases.pooled("jdbc:h2:mem:" + id + ";DB_CLOSE_DELAY=-1", "sa", "", 20);
      return new Fresh(
          pool,
          "jdbc:h2:mem:" + id,
          () -> {
            try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
              s.execute("SHUTDOWN");
            }
            pool.close();
          });
    }
    String url = System.getenv(PG_URL_VARIABLE);
    String schema = "ferrum_" + id;
    exec(url, "CREATE SCHEMA " + schema);
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    ConnectionPool pool = Databases.pooled(schemaUrl, null, null, 20);
    return new Fresh(
        pool,
        schemaUrl,
        () -> {
          pool.close();
          exec(url, "DROP SCHEMA " + schema + " CASCADE");
        });
  }

  /** Skips the calling test when PostgreSQL is absent, unless this run requires it. */
  public static void assumePostgres() {
    String reason = postgresUnavailable();
    if (reason != null) {
      if (postgresRequired()) {
        throw new IllegalStateException(
            "PostgreSQL is required here (FERRUM_TEST_REQUIRE) but: " + reason);
      }
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
  }

  private static void exec(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + PG_URL_VARIABLE + ": " + e.getMessage(), e);
    }
  }

  /** A database made for one test. */
  public static final class Fresh implements AutoCloseable {
    private final DataSource dataSource;
    private final String url;
    private final Cleanup cleanup;

    Fresh(DataSource dataSource, String url, Cleanup cleanup) {
      this.dataSource = dataSource;
      this.url = url;
      this.cleanup = cleanup;
    }

    /** The JDBC URL of this database (for PostgreSQL: with its own schema). */
    public String url() {
      return url;
    }

    public DataSource dataSource() {
      return dataSource;
    }

    @Override
    public void close() throws Exception {
      cleanup.run();
    }
  }

  @FunctionalInterface
  interface Cleanup {
    void run() throws Exception;
  }
}
