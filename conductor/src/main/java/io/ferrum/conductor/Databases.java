package io.ferrum.conductor;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Pooled {@link DataSource}s for Ferrum's two databases, from a JDBC URL: H2 ({@code jdbc:h2:...},
 * the embedded default) and PostgreSQL ({@code jdbc:postgresql://...}, for several conductors).
 *
 * <p>Both are made durable and bounded in time unless the URL says otherwise:
 *
 * <ul>
 *   <li>an H2 file database gets {@code WRITE_DELAY=0} and a file system that forces every write to
 *       the disk, so a commit is on disk when it returns (H2's default writes up to half a second
 *       later, and a killed process loses what it had acknowledged);
 *   <li>PostgreSQL gets {@code connectTimeout=5}, {@code loginTimeout=5} and {@code
 *       socketTimeout=10} (seconds): a database that stops answering fails a statement within
 *       seconds instead of hanging the caller;
 *   <li>a caller waits at most {@link #CHECKOUT_TIMEOUT} for a free connection.
 * </ul>
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
  public static final Duration CHECKOUT_TIMEOUT = Duration.ofSeconds(5);

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
   * @throws InvalidParameterException for a URL that is neither H2 nor PostgreSQL, or that its
   *     driver refuses
   * @throws IllegalStateException when the URL's driver (or, for PostgreSQL, Flyway's PostgreSQL
   *     support) is not on the classpath, or is not the library Ferrum expects; the message names
   *     the missing artifact
   */
  public static ConnectionPool pooled(
      String url, String user, String password, int maxConnections) {
    return pooled(url, user, password, maxConnections, Durability.DISK);
  }

  /**
   * How an H2 file database makes a commit last. PostgreSQL's own settings decide for PostgreSQL
   * ({@code synchronous_commit}, on by default: on disk).
   */
  public enum Durability {
    /**
     * On disk before the commit returns ({@code fdatasync}): it survives the machine crashing. The
     * default.
     */
    DISK,
    /**
     * Handed to the operating system before the commit returns: it survives the process dying
     * ({@code kill -9}, an out-of-memory kill), not the machine crashing or losing power. Cheaper
     * than {@link #DISK} where forcing writes to the disk is slow.
     */
    PROCESS
  }

  /**
   * A pooled data source for {@code url}, with H2 commits made as durable as {@code durability}
   * says (an explicit {@code WRITE_DELAY} or file system in the URL wins).
   *
   * @throws InvalidParameterException for a URL that is neither H2 nor PostgreSQL, or that its
   *     driver refuses
   * @throws IllegalStateException when the URL's driver is not on the classpath (the message names
   *     the artifact)
   */
  public static ConnectionPool pooled(
      String url, String user, String password, int maxConnections, Durability durability) {
    DataSource source;
    if (url.startsWith("jdbc:h2:")) {
      // Each session keeps the statements it parsed; H2's default of 8 is fewer than the distinct
      // statements a conductor runs, so most would be parsed again every time.
      source =
          dataSource(
              H2_DATA_SOURCE,
              "com.h2database:h2",
              durableH2(
                  url.toUpperCase(Locale.ROOT).contains(";QUERY_CACHE_SIZE=")
                      ? url
                      : url + ";QUERY_CACHE_SIZE=64",
                  durability),
              user == null ? "sa" : user,
              password == null ? "" : password);
    } else if (url.startsWith("jdbc:postgresql:")) {
      source =
          dataSource(
              PG_DATA_SOURCE, "org.postgresql:postgresql", boundedPostgres(url), user, password);
      load(FLYWAY_PG, "org.flywaydb:flyway-database-postgresql");
    } else {
      throw new InvalidParameterException(
          "Unsupported database URL (use jdbc:h2:... or jdbc:postgresql://...): " + redacted(url));
    }
    return new ConnectionPool(source, maxConnections, CHECKOUT_TIMEOUT);
  }

  /**
   * {@code url} with H2's commits made durable: {@code WRITE_DELAY=0} unless the URL sets it, and,
   * for a file database given as a plain path, the forcing file system ({@code ferrumsync:}); an
   * existing file of such a database that was not closed cleanly gets its store header pointed at
   * its newest complete data first, so that H2 does not open it at an older state. In-memory,
   * server and explicitly chosen file systems are left alone.
   */
  static String durableH2(String url, Durability durability) {
    String rest = url.substring("jdbc:h2:".length());
    int semicolon = rest.indexOf(';');
    String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
    String settings = semicolon < 0 ? "" : rest.substring(semicolon);
    boolean file = name.startsWith("file:");
    String path = file ? name.substring("file:".length()) : name;
    if (!file && (path.startsWith("mem:") || path.startsWith("tcp:") || path.startsWith("ssl:"))) {
      return url;
    }
    if (path.matches("^[A-Za-z][A-Za-z0-9]+:.*")) {
      return url; // a file system chosen by the URL (nio:, split:, ...): the user's choice
    }
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    String fileSystem;
    if (durability == Durability.PROCESS) {
      fileSystem = "";
    } else {
      fileSystem = forcingFileSystem();
    }
    java.nio.file.Path database = java.nio.file.Path.of(path).toAbsolutePath().normalize();
    repairHeader(database);
    String durable = "jdbc:h2:file:" + fileSystem + database + settings;
    return settings.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=")
        ? durable
        : durable + ";WRITE_DELAY=0";
  }

  /**
   * Makes H2 find the last commits of a database file that was not closed cleanly (see {@link
   * io.ferrum.conductor.internal.H2HeaderRepair}); nothing when H2 is not visible.
   */
  private static void repairHeader(java.nio.file.Path database) {
    try {
      io.ferrum.conductor.internal.H2HeaderRepair.repair(
          database.resolveSibling(database.getFileName() + ".mv.db"));
    } catch (LinkageError e) {
      // H2 is not visible to Ferrum's class loader: the driver lookup says what is missing.
    }
  }

  /** The file-system prefix that forces H2's writes to the disk, or none when H2 is not visible. */
  private static String forcingFileSystem() {
    String fileSystem;
    try {
      io.ferrum.conductor.internal.SyncedFilePath.register();
      fileSystem = io.ferrum.conductor.internal.SyncedFilePath.SCHEME + ":";
    } catch (LinkageError e) {
      // H2 is not visible to Ferrum's class loader: the driver lookup below says what is missing.
      fileSystem = "";
    }
    return fileSystem;
  }

  /** {@code url} with connect, login and socket timeouts, unless it sets them itself. */
  static String boundedPostgres(String url) {
    StringBuilder bounded = new StringBuilder(url);
    String lower = url.toLowerCase(Locale.ROOT);
    char separator = url.contains("?") ? '&' : '?';
    for (String[] setting :
        new String[][] {
          {"connecttimeout", "connectTimeout=5"},
          {"logintimeout", "loginTimeout=5"},
          {"sockettimeout", "socketTimeout=10"}
        }) {
      if (!lower.contains(setting[0] + "=")) {
        bounded.append(separator).append(setting[1]);
        separator = '&';
      }
    }
    return bounded.toString();
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
      throw new IllegalStateException(
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
      throw new IllegalStateException(
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
