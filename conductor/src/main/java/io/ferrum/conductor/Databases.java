package io.ferrum.conductor;

import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Pooled {@link DataSource}s for Ferrum's two databases, from a JDBC URL: H2 ({@code jdbc:h2:...},
 * the embedded default) and PostgreSQL ({@code jdbc:postgresql://...}, for several conductors).
 */
public final class Databases {

  /** How long a caller waits for a connection when all are in use. */
  public static final Duration CHECKOUT_TIMEOUT = Duration.ofSeconds(30);

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
      h2.setURL(
          url.toUpperCase(Locale.ROOT).contains(";QUERY_CACHE_SIZE=")
              ? url
              : url + ";QUERY_CACHE_SIZE=64");
      h2.setUser(user == null ? "sa" : user);
      h2.setPassword(password == null ? "" : password);
      source = h2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setURL(url);
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
}
