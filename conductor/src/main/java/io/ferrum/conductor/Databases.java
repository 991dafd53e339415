package io.ferrum.conductor;

import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

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
 */
public final class Databases {

  /** How long a caller waits for a connection when all are in use. */
  public static final Duration CHECKOUT_TIMEOUT = Duration.ofSeconds(5);

  private Databases() {}

  /**
   * A pooled data source for {@code url}.
   *
   * @param user the user, or {@code null} (PostgreSQL also reads it from the URL)
   * @param password the password, or {@code null}
   * @param maxConnections the pool's size
   * @throws InvalidParameterException for a URL that is neither H2 nor PostgreSQL
   */
  public static ConnectionPool pooled(
      String url, String user, String password, int maxConnections) {
    DataSource source;
    if (url.startsWith("jdbc:h2:")) {
      JdbcDataSource h2 = new JdbcDataSource();
      // Each session keeps the statements it parsed; H2's default of 8 is fewer than the distinct
      // statements a conductor runs, so most would be parsed again every time.
      String tuned =
          url.toUpperCase(Locale.ROOT).contains(";QUERY_CACHE_SIZE=")
              ? url
              : url + ";QUERY_CACHE_SIZE=64";
      h2.setURL(durableH2(tuned));
      h2.setUser(user == null ? "sa" : user);
      h2.setPassword(password == null ? "" : password);
      source = h2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setURL(boundedPostgres(url));
      if (user != null) {
        pg.setUser(user);
      }
      if (password != null) {
        pg.setPassword(password);
      }
      source = pg;
    } else {
      throw new InvalidParameterException(
          "Unsupported database URL (use jdbc:h2:... or jdbc:postgresql://...): "
              + url.replaceAll("password=[^&;]*", "password=******"));
    }
    return new ConnectionPool(source, maxConnections, CHECKOUT_TIMEOUT);
  }

  /**
   * {@code url} with H2's commits made durable: {@code WRITE_DELAY=0} unless the URL sets it, and,
   * for a file database given as a plain path, the forcing file system ({@code ferrumsync:}).
   * In-memory, server and explicitly chosen file systems are left alone.
   */
  static String durableH2(String url) {
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
    io.ferrum.conductor.internal.SyncedFilePath.register();
    String durable =
        "jdbc:h2:file:"
            + io.ferrum.conductor.internal.SyncedFilePath.SCHEME
            + ":"
            + java.nio.file.Path.of(path).toAbsolutePath().normalize()
            + settings;
    return settings.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=")
        ? durable
        : durable + ";WRITE_DELAY=0";
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
}
