package io.ferrum.conductor;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Pooled {@link DataSource}s for Ferrum's two databases, from a JDBC URL: H2 ({@code jdbc:h2:...},
 * the embedded default) and PostgreSQL ({@code jdbc:postgresql://...}, for several conductors).
 *
 * <p>The conductor does not bring either JDBC driver: the application picks the one it uses and
 * puts it on the classpath, {@code com.h2database:h2} for H2, or {@code org.postgresql:postgresql}
 * and {@code org.flywaydb:flyway-database-postgresql} (which the schema migrations need) for
 * PostgreSQL. The driver's data source class is looked up by name through this class's class
 * loader, then the thread's context class loader.
 *
 * <p>Stateless and thread-safe.
 */
public final class Databases {

  /** How long a caller waits for a connection when all are in use. */
  public static final Duration CHECKOUT_TIMEOUT = Duration.ofSeconds(30);

  private static final String H2_DATA_SOURCE = "org.h2.jdbcx.JdbcDataSource";
  private static final String PG_DATA_SOURCE = "org.postgresql.ds.PGSimpleDataSource";
  private static final String FLYWAY_PG = "org.flywaydb.database.postgresql.PostgreSQLDatabaseType";

  private Databases() {}

  /**
   * A pooled data source for {@code url}.
   *
   * @param user the user, or {@code null} (PostgreSQL also reads it from the URL)
   * @param password the password, or {@code null}
   * @param maxConnections the pool's size
   * @throws InvalidParameterException for a URL that is neither H2 nor PostgreSQL, or whose driver
   *     (or, for PostgreSQL, Flyway's PostgreSQL support) is not on the classpath; the message
   *     names the missing artifact
   */
  public static ConnectionPool pooled(
      String url, String user, String password, int maxConnections) {
    DataSource source;
    if (url.startsWith("jdbc:h2:")) {
      // Each session keeps the statements it parsed; H2's default of 8 is fewer than the distinct
      // statements a conductor runs, so most would be parsed again every time.
      source =
          dataSource(
              H2_DATA_SOURCE,
              "com.h2database:h2",
              url.toUpperCase(Locale.ROOT).contains(";QUERY_CACHE_SIZE=")
                  ? url
                  : url + ";QUERY_CACHE_SIZE=64",
              user == null ? "sa" : user,
              password == null ? "" : password);
    } else if (url.startsWith("jdbc:postgresql:")) {
      source = dataSource(PG_DATA_SOURCE, "org.postgresql:postgresql", url, user, password);
      load(FLYWAY_PG, "org.flywaydb:flyway-database-postgresql");
    } else {
      throw new InvalidParameterException(
          "Unsupported database URL (use jdbc:h2:... or jdbc:postgresql://...): " + redacted(url));
    }
    return new ConnectionPool(source, maxConnections, CHECKOUT_TIMEOUT);
  }

  /** A new {@code className} with URL, user and password set (each only when not null). */
  private static DataSource dataSource(
      String className, String artifact, String url, String user, String password) {
    Class<?> type = load(className, artifact);
    try {
      DataSource source = (DataSource) type.getConstructor().newInstance();
      type.getMethod("setURL", String.class).invoke(source, url);
      if (user != null) {
        type.getMethod("setUser", String.class).invoke(source, user);
      }
      if (password != null) {
        type.getMethod("setPassword", String.class).invoke(source, password);
      }
      return source;
    } catch (InvocationTargetException e) {
      throw new InvalidParameterException(
          "Invalid database URL " + redacted(url) + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new InvalidParameterException(
          className + " from " + artifact + " is not the data source Ferrum expects: " + e, e);
    }
  }

  private static Class<?> load(String className, String artifact) {
    try {
      return Class.forName(className, true, Databases.class.getClassLoader());
    } catch (ClassNotFoundException notHere) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) {
        try {
          return Class.forName(className, true, context);
        } catch (ClassNotFoundException notThere) {
          notHere.addSuppressed(notThere);
        }
      }
      throw new InvalidParameterException(
          "This database needs "
              + artifact
              + " on the classpath (class "
              + className
              + " was not found); add it as a dependency",
          notHere);
    }
  }

  private static String redacted(String url) {
    return url.replaceAll("password=[^&;]*", "password=******");
  }
}
