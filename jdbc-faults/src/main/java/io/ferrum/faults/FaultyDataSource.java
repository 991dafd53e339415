package io.ferrum.faults;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A data source that fails on command, for tests of what code does when its database fails. It
 * wraps a real data source; every connection it hands out, and every statement made on one, passes
 * through it. The rules:
 *
 * <ul>
 *   <li><b>Down.</b> While the database is down ({@link #setDown}, or an {@link Outage} the data
 *       source shares with others), a new connection fails, and so do the calls on a borrowed one
 *       that the {@link DownScope} names ({@link DownScope#EVERY_CALL} by default: all of them but
 *       {@code close}, {@code isClosed} and {@code rollback}, and every statement's execution).
 *   <li><b>Which statements.</b> A fault names the statements it strikes by their SQL: a fragment
 *       the SQL contains, ignoring case, or any predicate. A prepared statement's SQL is the one it
 *       was prepared with; a plain statement's is the one passed to its {@code execute} call.
 *   <li><b>Before or after execute.</b> {@link When#BEFORE}: the statement does not run, its caller
 *       sees a failure. {@link When#AFTER}: the statement runs, then its caller sees a failure; in
 *       auto-commit mode its write has landed.
 *   <li><b>Before or after commit.</b> {@link When#BEFORE_COMMIT} and {@link When#AFTER_COMMIT}
 *       strike the commit of a transaction that ran a matching statement (on the same connection,
 *       since its last commit or rollback). Before: the transaction is rolled back and the commit
 *       fails. After: the commit lands, then its caller sees a failure and cannot tell whether it
 *       landed.
 *   <li><b>A commit that lands but is reported failed, then down.</b> {@link #failAndGoDown} does
 *       one of the above and takes the database down at that moment; {@link Outage#dieAtNextCommit}
 *       does it at the next commit of any connection of any data source sharing the outage,
 *       whatever the transaction ran: the commit lands, its caller is told it failed, and the
 *       database is down from then on.
 *   <li><b>Delays.</b> {@link #delay} holds matching statements before they run, then lets them
 *       run.
 *   <li><b>Counts.</b> A fault strikes as many times as asked, then no more. Faults are checked in
 *       the order they were added: a matching delay holds the statement and the check goes on; the
 *       first matching failure strikes and ends it. {@link #injected} counts the faults (delays and
 *       deaths at commit included) that struck on this data source; {@link #allStruck} tells
 *       whether every fault asked for has struck.
 * </ul>
 *
 * <p>An injected failure is a {@link SQLTransientConnectionException} with SQL state {@code 08006},
 * as a broken connection gives, unless the fault was added with {@link #throwAt}, which throws what
 * its supplier makes (an {@link Error} or a {@link RuntimeException}, as a broken driver or mapper
 * would); "down" gives {@code 08001} (an {@link Outage} may give other exceptions). Thread-safe.
 *
 * <pre>{@code
 * FaultyDataSource db = new FaultyDataSource(pool);
 * db.fail("INSERT INTO node_history", FaultyDataSource.When.BEFORE_COMMIT, 1);
 * }</pre>
 */
public final class FaultyDataSource extends ForwardingDataSource {

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

  /** Which calls on a borrowed connection fail while the database is down. */
  public enum DownScope {
    /**
     * Every call but {@code close}, {@code isClosed} and {@code rollback}, and every execution of a
     * statement, even one made before the database went down: nothing reaches the database.
     */
    EVERY_CALL,
    /**
     * Only the calls that start work on data: {@code createStatement}, {@code prepareStatement},
     * {@code prepareCall}, {@code commit} and {@code setSavepoint}. The others (closing, rolling
     * back, restoring auto-commit) pass, so that a pool gets its connections back clean.
     */
    DATA_CALLS
  }

  /**
   * A down switch, with the failures it gives. Several data sources may share one, as the processes
   * that use one database do: while it is down, every one of them fails as if down; and {@link
   * #dieAtNextCommit} makes the first commit any of them makes land, be reported failed, and take
   * the database down. Thread-safe.
   */
  public static final class Outage {
    private final Supplier<? extends SQLException> downFailure;
    private final Supplier<? extends SQLException> commitFailure;
    private volatile boolean down;
    private boolean dieAtNextCommit; // guarded by this

    /**
     * An outage whose calls fail with a {@link SQLTransientConnectionException}: SQL state {@code
     * 08001} while down, {@code 08006} for the commit it dies at.
     */
    public Outage() {
      this(
          () -> new SQLTransientConnectionException("database is down (injected)", "08001"),
          () ->
              new SQLTransientConnectionException(
                  "the connection broke after the commit was sent (injected)", "08006"));
    }

    /**
     * An outage whose calls fail with what {@code downFailure} makes while down, and whose death at
     * a commit fails that commit with what {@code commitFailure} makes.
     */
    public Outage(
        Supplier<? extends SQLException> downFailure,
        Supplier<? extends SQLException> commitFailure) {
      this.downFailure = Objects.requireNonNull(downFailure, "downFailure");
      this.commitFailure = Objects.requireNonNull(commitFailure, "commitFailure");
    }

    /** Takes the database down ({@code true}) or brings it back ({@code false}). */
    public void setDown(boolean value) {
      this.down = value;
    }

    /** Whether the database is down. */
    public boolean isDown() {
      return down;
    }

    /**
     * The next commit made through any data source sharing this outage, whatever it ran, lands; its
     * caller is told it failed; the database is down from then on. Once only.
     */
    public synchronized void dieAtNextCommit() {
      dieAtNextCommit = true;
    }

    /** Brings the database back up and cancels a pending {@link #dieAtNextCommit}. */
    public synchronized void clear() {
      dieAtNextCommit = false;
      down = false;
    }

    void check() throws SQLException {
      if (down) {
        throw downFailure.get();
      }
    }

    /** Whether the commit that just landed is the one to die at; if so the database goes down. */
    synchronized boolean diesAtThisCommit() {
      if (!dieAtNextCommit) {
        return false;
      }
      dieAtNextCommit = false;
      down = true;
      return true;
    }
  }

  /**
   * A pending fault: where it strikes, how many times more, and what it does: fail the call (and
   * take the whole database down with it, if {@code thenDown}), or only delay it. A failure throws
   * what {@code thrown} makes, or the injected SQL failure when it is null.
   */
  private record Fault(
      Predicate<String> sql,
      When when,
      AtomicInteger remaining,
      long delayMillis,
      boolean thenDown,
      Supplier<? extends Throwable> thrown) {}

  /** The calls that start work on data; {@link DownScope#DATA_CALLS} fails only these. */
  private static final Set<String> DATA_CALLS =
      Set.of("createStatement", "prepareStatement", "prepareCall", "commit", "setSavepoint");

  private final DownScope scope;
  private final Outage own;
  private final List<Outage> outages;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();

  /** Wraps {@code delegate}; no fault is pending and the database is up. */
  public FaultyDataSource(DataSource delegate) {
    this(delegate, DownScope.EVERY_CALL, new Outage());
  }

  /**
   * Wraps {@code delegate}, down when {@code own} is down ({@link #setDown} and {@link
   * #failAndGoDown} switch it) or any of {@code shared} is; while down, the calls {@code scope}
   * names fail. The outages are checked in the order given.
   */
  public FaultyDataSource(DataSource delegate, DownScope scope, Outage own, Outage... shared) {
    super(delegate);
    this.scope = Objects.requireNonNull(scope, "scope");
    this.own = Objects.requireNonNull(own, "own");
    this.outages = List.of(shared);
  }

  /** While {@code true}, the database is down (see {@link DownScope}). */
  public void setDown(boolean value) {
    own.setDown(value);
  }

  /**
   * Fails the next {@code times} statements whose SQL matches {@code sql} (for {@link
   * When#BEFORE_COMMIT} and {@link When#AFTER_COMMIT}: the commits of transactions that ran such a
   * statement).
   */
  public void fail(Predicate<String> sql, When when, int times) {
    faults.add(new Fault(sql, when, new AtomicInteger(times), 0, false, null));
  }

  /**
   * Like {@link #fail(String, When, int)}, but the statement (or commit) throws what {@code thrown}
   * makes instead of an {@link SQLException}: an {@link Error} or a {@link RuntimeException}, as a
   * driver or a result mapper that breaks does. Before a commit the transaction is rolled back
   * first, as with {@link #fail}.
   *
   * @throws IllegalArgumentException if {@code thrown} makes a checked exception other than an
   *     {@link SQLException} (a connection cannot throw it)
   */
  public void throwAt(String fragment, When when, int times, Supplier<? extends Throwable> thrown) {
    Objects.requireNonNull(thrown, "thrown");
    faults.add(
        new Fault(
            matching(fragment),
            when,
            new AtomicInteger(times),
            0,
            false,
            () -> {
              Throwable t = thrown.get();
              if (t instanceof Error
                  || t instanceof RuntimeException
                  || t instanceof SQLException) {
                return t;
              }
              throw new IllegalArgumentException(
                  "a connection can throw an Error, a RuntimeException or an SQLException, not "
                      + t);
            }));
  }

  /** {@link #fail} for statements whose SQL contains {@code fragment}, ignoring case. */
  public void fail(String fragment, When when, int times) {
    fail(matching(fragment), when, times);
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
    faults.add(new Fault(sql, when, new AtomicInteger(1), 0, true, null));
  }

  /**
   * Delays the next {@code times} statements matching {@code fragment} by {@code millis} before
   * they run; they then run normally.
   */
  public void delay(String fragment, long millis, int times) {
    faults.add(
        new Fault(matching(fragment), When.BEFORE, new AtomicInteger(times), millis, false, null));
  }

  private static Predicate<String> matching(String fragment) {
    String lower = fragment.toLowerCase(Locale.ROOT);
    return sql -> sql.toLowerCase(Locale.ROOT).contains(lower);
  }

  /** Removes every pending fault (an {@link Outage} keeps its state). */
  public void clearFaults() {
    faults.clear();
  }

  /** How many faults struck on this data source so far. */
  public int injected() {
    return injected.get();
  }

  /** Whether every fault asked for has struck. */
  public boolean allStruck() {
    return faults.stream().allMatch(f -> f.remaining().get() <= 0);
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkUp();
    Connection real = delegate().getConnection();
    ConnectionHandler handler = new ConnectionHandler(real);
    Connection proxy =
        (Connection)
            Proxy.newProxyInstance(
                FaultyDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                handler);
    handler.proxy = proxy;
    return proxy;
  }

  private void checkUp() throws SQLException {
    own.check();
    for (Outage outage : outages) {
      outage.check();
    }
  }

  /**
   * The fault that makes {@code sql} fail at {@code when}, or null if none does; delay faults only
   * sleep.
   */
  private Fault strike(String sql, When when) {
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
          own.setDown(true);
        }
        return fault;
      }
    }
    return null;
  }

  private static Throwable injectedFailure(Fault fault, String sql, When when) {
    if (fault.thrown() != null) {
      return fault.thrown().get();
    }
    return new SQLTransientConnectionException(
        "failure injected " + when + " \"" + sql + "\"", "08006");
  }

  /** A borrowed connection: statements made on it carry their SQL to the fault check. */
  private final class ConnectionHandler implements InvocationHandler {
    private final Connection real;
    private final List<String> transaction = new CopyOnWriteArrayList<>();
    private volatile Connection proxy;

    ConnectionHandler(Connection real) {
      this.real = real;
    }

    private boolean failsWhileDown(String name) {
      return switch (scope) {
        case EVERY_CALL ->
            !name.equals("close") && !name.equals("isClosed") && !name.equals("rollback");
        case DATA_CALLS -> DATA_CALLS.contains(name);
      };
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (failsWhileDown(name)) {
        checkUp();
      }
      switch (name) {
        case "commit" -> {
          List<String> ran = List.copyOf(transaction);
          transaction.clear();
          for (String sql : ran) {
            Fault fault = strike(sql, When.BEFORE_COMMIT);
            if (fault != null) {
              real.rollback();
              throw injectedFailure(fault, sql, When.BEFORE_COMMIT);
            }
          }
          real.commit();
          for (Outage outage : outages) {
            if (outage.diesAtThisCommit()) {
              injected.incrementAndGet();
              throw outage.commitFailure.get();
            }
          }
          if (own.diesAtThisCommit()) {
            injected.incrementAndGet();
            throw own.commitFailure.get();
          }
          for (String sql : ran) {
            Fault fault = strike(sql, When.AFTER_COMMIT);
            if (fault != null) {
              throw injectedFailure(fault, sql, When.AFTER_COMMIT);
            }
          }
          return null;
        }
        case "rollback" -> {
          transaction.clear();
          return forward(real, method, args);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
          Object result = forward(real, method, args);
          if (result instanceof Statement statement
              && Statement.class.isAssignableFrom(method.getReturnType())) {
            String prepared =
                name.equals("createStatement") || args == null || args.length == 0
                    ? null
                    : (String) args[0];
            return wrap(statement, method.getReturnType(), prepared);
          }
          return result;
        }
      }
    }

    /**
     * A statement of this connection, as {@code type} (the type its factory method declares): its
     * executions go through the fault check.
     */
    private Object wrap(Statement statement, Class<?> type, String preparedSql) {
      return Proxy.newProxyInstance(
          FaultyDataSource.class.getClassLoader(),
          new Class<?>[] {type},
          (self, method, args) -> {
            String name = method.getName();
            if (!name.startsWith("execute")) {
              if (name.equals("getConnection")) {
                return proxy;
              }
              return forward(statement, method, args);
            }
            if (scope == DownScope.EVERY_CALL) {
              checkUp();
            }
            String sql =
                preparedSql != null
                    ? preparedSql
                    : args != null && args.length > 0 ? String.valueOf(args[0]) : "";
            Fault before = strike(sql, When.BEFORE);
            if (before != null) {
              throw injectedFailure(before, sql, When.BEFORE);
            }
            Object result = forward(statement, method, args);
            if (!real.getAutoCommit()) {
              transaction.add(sql);
            }
            Fault after = strike(sql, When.AFTER);
            if (after != null) {
              throw injectedFailure(after, sql, When.AFTER);
            }
            return result;
          });
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }
}
