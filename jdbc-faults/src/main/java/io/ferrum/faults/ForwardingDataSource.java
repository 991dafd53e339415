package io.ferrum.faults;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that passes every call on to the one it wraps, as a base for wrappers that change
 * only some calls (typically {@code getConnection}, to hand out proxies of the real connections).
 * The log writer, login timeout, {@code unwrap} and {@code isWrapperFor} are the wrapped source's;
 * the parent logger is the global one. Thread-safe when the wrapped source is.
 */
public abstract class ForwardingDataSource implements DataSource {

  private final DataSource delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @throws NullPointerException if {@code delegate} is {@code null}
   */
  protected ForwardingDataSource(DataSource delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped data source. */
  protected final DataSource delegate() {
    return delegate;
  }

  /**
   * Calls {@code method} on {@code target} with {@code args}, as a proxy's invocation handler
   * passes a call on: what the method throws is thrown as it is, not wrapped.
   */
  protected static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    return delegate.getConnection();
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return delegate.getConnection(user, password);
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
