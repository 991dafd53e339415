package io.ferrum.testkit.sim;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One conductor's way into the shared database, with two switches: the conductor's crash (its
 * process is gone: nothing it does reaches the database again) and a database outage (every
 * conductor's calls fail until it ends; it may start at a commit that lands but is reported
 * failed). Every statement and commit on a connection checks both, so a connection taken before the
 * switch fails too.
 */
final class SimDatabase implements DataSource {

  /** Whether the database as a whole answers; shared by every conductor's gate. */
  static final class Outage {
    volatile boolean down;

    /**
     * The database dies at the next commit: the commit lands, its caller is told it failed (the
     * connection broke before the answer), and the database is down from then on.
     */
    volatile boolean dieAtCommit;
  }

  /**
   * The calls that read or write data: they fail once the switch is thrown. The others (closing,
   * rolling back, restoring auto-commit) pass, so that the pool gets its connections back clean.
   */
  private static final java.util.Set<String> TOUCHES_DATA =
      java.util.Set.of(
          "createStatement", "prepareStatement", "prepareCall", "commit", "setSavepoint");

  private final DataSource shared;
  private final Outage outage;
  private volatile boolean crashed;

  /**
   * Whether a commit of this conductor landed but was reported failed since its last complete
   * recovery pass: until one runs, the notification of that write lives only in its memory.
   */
  volatile boolean owesOutcome;

  SimDatabase(DataSource shared, Outage outage) {
    this.shared = shared;
    this.outage = outage;
  }

  /** The conductor died: from now on none of its calls reaches the database. */
  void crash() {
    crashed = true;
  }

  private void check() throws SQLException {
    if (crashed) {
      throw new SQLNonTransientConnectionException("simulated: the conductor crashed", "08006");
    }
    if (outage.down) {
      throw new SQLNonTransientConnectionException("simulated: the database is down", "08001");
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    check();
    Connection real = shared.getConnection();
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (TOUCHES_DATA.contains(method.getName())) {
                check();
              }
              Object result;
              try {
                result = method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (outage.dieAtCommit && method.getName().equals("commit")) {
                outage.dieAtCommit = false;
                owesOutcome = true;
                outage.down = true;
                throw new SQLNonTransientConnectionException(
                    "simulated: the connection broke after the commit was sent", "08006");
              }
              return result;
            });
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
