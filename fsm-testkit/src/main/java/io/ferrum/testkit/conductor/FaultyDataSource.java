package io.ferrum.testkit.conductor;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that fails on command, to check what a conductor does when its database fails: the
 * whole database "down" (every new connection and every statement and commit on a borrowed one
 * fail), or a fault injected at chosen statements: before the statement runs, after it ran (an
 * auto-committed statement then landed although the caller sees a failure), before a commit, or
 * after a commit that landed (the caller cannot tell whether it did). An injected failure is a
 * {@link java.sql.SQLTransientConnectionException} with SQL state {@code 08006}, as a broken
 * connection gives; "down" gives {@code 08001}.
 *
 * <pre>{@code
 * FaultyDataSource db = new FaultyDataSource(pool);
 * db.fail("INSERT INTO node_history", FaultyDataSource.When.BEFORE_COMMIT, 1);
 * }</pre>
 *
 * <p>{@link ConductorCheck} wraps every database it runs on in one. Thread-safe.
 */
public final class FaultyDataSource implements DataSource {

  /** Where a fault strikes. */
  public enum When {
    /** The statement does not run; the caller sees a failure. */
    BEFORE,
    /** The statement runs, then the caller sees a failure (auto-commit: it landed). */
    AFTER,
    /** The commit does not happen (the transaction rolls back); the caller sees a failure. */
    BEFORE_COMMIT,
    /** The commit happens, then the caller sees a failure: the outcome looks unknown. */
    AFTER_COMMIT
  }

  /**
   * A pending fault: where it strikes, how many times more, and what it does: fail the call (and
   * take the whole database down with it, if {@code thenDown}), or only delay it.
   */
  private record Fault(
      Predicate<String> sql,
      When when,
      AtomicInteger remaining,
      long delayMillis,
      boolean thenDown) {}

  private final DataSource delegate;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private volatile boolean down;

  /** Wraps {@code delegate}; no fault is pending and the database is up. */
  public FaultyDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** While {@code true}, the database is unreachable: connections, statements and commits fail. */
  public void setDown(boolean value) {
    this.down = value;
  }

  /**
   * Fails the next {@code times} statements whose SQL matches {@code sql} (for {@link
   * When#BEFORE_COMMIT} and {@link When#AFTER_COMMIT}: the commits of transactions that ran such a
   * statement).
   */
  public void fail(Predicate<String> sql, When when, int times) {
    faults.add(new Fault(sql, when, new AtomicInteger(times), 0, false));
  }

  /**
   * Fails the next statement (or commit) matching {@code fragment} and takes the whole database
   * down at that moment, as a database that dies mid-commit does.
   */
  public void failAndGoDown(String fragment, When when) {
    failAndGoDown(matching(fragment), when);
  }

  /** {@link #failAndGoDown(String, When)} for statements {@code sql} accepts. */
  public void failAndGoDown(Predicate<String> sql, When when) {
    faults.add(new Fault(sql, when, new AtomicInteger(1), 0, true));
  }

  /** Delays the next {@code times} statements matching {@code fragment} by {@code millis}. */
  public void delay(String fragment, long millis, int times) {
    faults.add(new Fault(matching(fragment), When.BEFORE, new AtomicInteger(times), millis, false));
  }

  private static Predicate<String> matching(String fragment) {
    String lower = fragment.toLowerCase(java.util.Locale.ROOT);
    return sql -> sql.toLowerCase(java.util.Locale.ROOT).contains(lower);
  }

  /** {@link #fail} for statements whose SQL contains {@code fragment}, ignoring case. */
  public void fail(String fragment, When when, int times) {
    fail(matching(fragment), when, times);
  }

  /** Removes every pending fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** How many faults struck so far. */
  public int injected() {
    return injected.get();
  }

  /** Whether every fault asked for has struck. */
  public boolean allStruck() {
    return faults.stream().allMatch(f -> f.remaining().get() <= 0);
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (down) {
      throw unreachable();
    }
    Connection real = delegate.getConnection();
    return (Connection)
        Proxy.newProxyInstance(
            FaultyDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(real));
  }

  private static SQLException unreachable() {
    return new SQLTransientConnectionException(
        "database is down (injected by the testkit)", "08001");
  }

  /** Whether a fault makes {@code sql} fail at {@code when}; delay faults only sleep. */
  private boolean strike(String sql, When when) {
    for (Fault fault : faults) {
      if (fault.when() == when
          && fault.sql().test(sql)
          && fault.remaining().getAndDecrement() > 0) {
        injected.incrementAndGet();
        if (fault.delayMillis() > 0) {
          try {
            Thread.sleep(fault.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          continue;
        }
        if (fault.thenDown()) {
          down = true;
        }
        return true;
      }
    }
    return false;
  }

  private static SQLException injectedFailure(String sql, When when) {
    return new SQLTransientConnectionException(
        "failure injected " + when + " \"" + sql + "\"", "08006");
  }

  /** A borrowed connection: statements made on it carry their SQL to the fault check. */
  private final class ConnectionHandler implements InvocationHandler {
    private final Connection real;
    private final List<String> transaction = new CopyOnWriteArrayList<>();

    ConnectionHandler(Connection real) {
      this.real = real;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
        throws Throwable {
      String name = method.getName();
      if (down && !name.equals("close") && !name.equals("isClosed") && !name.equals("rollback")) {
        throw unreachable();
      }
      switch (name) {
        case "commit" -> {
          List<String> ran = List.copyOf(transaction);
          transaction.clear();
          for (String sql : ran) {
            if (strike(sql, When.BEFORE_COMMIT)) {
              real.rollback();
              throw injectedFailure(sql, When.BEFORE_COMMIT);
            }
          }
          real.commit();
          for (String sql : ran) {
            if (strike(sql, When.AFTER_COMMIT)) {
              throw injectedFailure(sql, When.AFTER_COMMIT);
            }
          }
          return null;
        }
        case "rollback" -> {
          transaction.clear();
          return call(real, method, args);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
          Object result = call(real, method, args);
          if (result instanceof PreparedStatement statement && args != null && args.length > 0) {
            return wrap(statement, PreparedStatement.class, (String) args[0]);
          }
          if (result instanceof Statement statement) {
            return wrap(statement, Statement.class, null);
          }
          return result;
        }
      }
    }

    private <T extends Statement> Object wrap(T statement, Class<T> type, String preparedSql) {
      return Proxy.newProxyInstance(
          FaultyDataSource.class.getClassLoader(),
          new Class<?>[] {type},
          (proxy, method, args) -> {
            String name = method.getName();
            if (!name.startsWith("execute")) {
              if (name.equals("getConnection")) {
                return proxy;
              }
              return call(statement, method, args);
            }
            if (down) {
              throw unreachable();
            }
            String sql =
                preparedSql != null
                    ? preparedSql
                    : args != null && args.length > 0 ? String.valueOf(args[0]) : "";
            if (strike(sql, When.BEFORE)) {
              throw injectedFailure(sql, When.BEFORE);
            }
            Object result = call(statement, method, args);
            if (!real.getAutoCommit()) {
              transaction.add(sql);
            }
            if (strike(sql, When.AFTER)) {
              throw injectedFailure(sql, When.AFTER);
            }
            return result;
          });
    }
  }

  private static Object call(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
