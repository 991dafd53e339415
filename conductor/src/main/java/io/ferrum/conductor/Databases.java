package io.ferrum.conductor;

import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * Pooled {@link DataSource}s for Ferrum's two databases, from a JDBC URL: H2 ({@code jdbc:h2:...},
 * the embedded default) and PostgreSQL ({@code jdbc:postgresql://...}, for several conductors). The
 * pool is H2's small connection pool, which pools PostgreSQL connections just as well.
 */
public final class Databases {

  private Databases() {}

  /**
   * A pooled data source for {@code url}.
   *
   * @param user the user, or {@code null} (PostgreSQL also reads it from the URL)
   * @param password the password, or {@code null}
   * @param maxConnections the pool's size
   * @throws InvalidParameterException for a URL that is neither H2 nor PostgreSQL
   */
  public static JdbcConnectionPool pooled(
      String url, String user, String password, int maxConnections) {
    ConnectionPoolDataSource source;
    if (url.startsWith("jdbc:h2:")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser(user == null ? "sa" : user);
      h2.setPassword(password == null ? "" : password);
      source = h2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
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
    JdbcConnectionPool pool = JdbcConnectionPool.create(source);
    pool.setMaxConnections(maxConnections);
    return pool;
  }
}
