package io.ferrum.conductor.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A data source that can be switched to "database down" for fault-path tests. Thread-safe. */
public final class FlakyDataSource implements DataSource {

  private final DataSource delegate;
  private volatile boolean down;

  public FlakyDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** While {@code true}, every new connection fails as if the database were unreachable. */
  public void setDown(boolean value) {
    this.down = value;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (down) {
      throw new SQLException("database is down (test)", "08001");
    }
    return delegate.getConnection();
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return delegate.isWrapperFor(type);
  }
}
