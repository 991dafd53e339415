package io.ferrum.conductor;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A bounded pool of JDBC connections over an unpooled {@link DataSource}; made by {@link
 * Databases#pooled}. At most {@code maxConnections} are open or handed out at once; a caller waits
 * up to the check-out timeout for one to come back, then gets an {@link SQLTimeoutException} saying
 * so. Idle connections are reused most recent first, so a few stay warm.
 *
 * <p>A returned connection is only rolled back if it was left inside a transaction (auto-commit
 * off): H2 forgets every statement it parsed for a session whenever that session rolls back, so a
 * pool that rolls back on every return, as H2's own does, makes each statement be parsed again. A
 * connection found closed (the server went away) is dropped instead of reused.
 *
 * <p>Thread-safe. {@link #close()} closes the idle connections; those in use are closed when they
 * come back.
 */
public final class ConnectionPool implements DataSource, AutoCloseable {

  private final DataSource source;
  private final int maxConnections;
  private final Duration checkoutTimeout;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  /**
   * A pool over {@code source}, whose {@code getConnection()} opens a new physical connection.
   *
   * @throws IllegalArgumentException if {@code maxConnections} is below 1
   */
  public ConnectionPool(DataSource source, int maxConnections, Duration checkoutTimeout) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("a pool needs at least one connection");
    }
    this.source = source;
    this.maxConnections = maxConnections;
    this.checkoutTimeout = checkoutTimeout;
    this.permits = new Semaphore(maxConnections, true);
  }

  /** The most connections open or handed out at once. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Connections handed out and not yet closed. */
  public int activeConnections() {
    return maxConnections - permits.availablePermits();
  }

  /**
   * A connection; closing it returns it to the pool.
   *
   * @throws SQLTimeoutException if none came free within the check-out timeout
   * @throws SQLException if the pool is closed or a new connection could not be opened
   */
  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw new SQLException("The connection pool is closed");
    }
    try {
      if (!permits.tryAcquire(checkoutTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SQLTimeoutException(
            "No database connection came free within "
                + checkoutTimeout.toSeconds()
                + " s (all "
                + maxConnections
                + " in use)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while waiting for a database connection", e);
    }
    try {
      Connection physical;
      do {
        physical = idle.pollFirst();
      } while (physical != null && physical.isClosed());
      if (physical == null) {
        physical = source.getConnection();
      }
      return (Connection)
          Proxy.newProxyInstance(
              ConnectionPool.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              new Handle(physical));
    } catch (SQLException | RuntimeException | Error e) {
      permits.release();
      throw e;
    }
  }

  /** Closes the idle connections; those in use close when they are returned. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      closeQuietly(c);
    }
  }

  private void giveBack(Connection physical) {
    try {
      if (closed || physical.isClosed()) {
        closeQuietly(physical);
        return;
      }
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
      idle.addFirst(physical);
      if (closed && idle.remove(physical)) {
        closeQuietly(physical);
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(physical);
    } finally {
      permits.release();
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // already broken: nothing left to release
    }
  }

  /** One check-out: delegates to the physical connection until closed, then refuses. */
  private final class Handle implements InvocationHandler {
    private final Connection physical;
    private boolean returned;

    Handle(Connection physical) {
      this.physical = physical;
    }

    @Override
    public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close":
          if (!returned) {
            returned = true;
            giveBack(physical);
          }
          return null;
        case "isClosed":
          return returned || physical.isClosed();
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "pooled " + physical;
        default:
          if (returned) {
            throw new SQLException("The connection was closed (returned to its pool)");
          }
          try {
            return method.invoke(physical, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
      }
    }
  }

  // ---- DataSource plumbing ----

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "A pool's connections all use the credentials it was made with");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return source.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    source.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    source.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return source.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return source.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return source.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || source.isWrapperFor(type);
  }
}
