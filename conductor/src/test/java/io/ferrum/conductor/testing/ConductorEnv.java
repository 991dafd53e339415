package io.ferrum.conductor.testing;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.BoundedWorkerPool;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.InMemoryNotificationSink;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.SynchronousWorkerPool;
import io.ferrum.conductor.WorkerPool;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.faults.FaultyDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * One cell of the test matrix: a fresh database, a conductor on it with the chosen pool, an
 * in-memory notification sink, and helpers. Not thread-safe except where a helper says so.
 */
public final class ConductorEnv implements AutoCloseable {

  /** Which worker pool a cell uses. */
  public enum Pool {
    REAL,
    SYNCHRONOUS;

    @Override
    public String toString() {
      return this == REAL ? "real pool" : "synchronous pool";
    }
  }

  /** How often the periodic tasks run in tests. */
  public static final Duration PERIOD = Duration.ofMillis(300);

  /** How long jobs read back a write whose outcome is unknown, in tests. */
  public static final Duration UNKNOWN_OUTCOME_WAIT = Duration.ofSeconds(2);

  /** How long a test waits for work before failing. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final TestDatabases.Kind database;
  private final Pool pool;
  private final TestDatabases.Fresh fresh;
  private final InMemoryNotificationSink sink = new InMemoryNotificationSink();
  private final List<Conductor> conductors = new ArrayList<>();
  private final Conductor conductor;
  private final Jdbi jdbi;
  private final FaultyDataSource flaky;

  ConductorEnv(TestDatabases.Kind database, Pool pool, boolean periodicTasks) {
    this.database = database;
    this.pool = pool;
    this.fresh = TestDatabases.create(database);
    this.jdbi = Jdbi.create(fresh.dataSource());
    this.flaky = new FaultyDataSource(fresh.dataSource());
    this.conductor =
        newConductor(
            "conductor-1",
            8,
            builder -> {
              if (!periodicTasks) {
                withoutPeriodicTasks(builder);
              }
            });
  }

  /** A conductor on this cell's database and pool kind, closed with the cell. */
  public Conductor newConductor(String name, int workers) {
    return newConductor(name, workers, builder -> {});
  }

  /** The same, with extra builder settings. */
  public Conductor newConductor(
      String name, int workers, java.util.function.Consumer<Conductor.Builder> customize) {
    WorkerPool workerPool =
        pool == Pool.REAL
            ? new BoundedWorkerPool(name, workers)
            : new SynchronousWorkerPool(workers);
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(flaky)
            .name(name)
            .workerPool(workerPool)
            .notificationSink(sink)
            .lockWait(Duration.ofMillis(100))
            // Shorter than the default, so tests whose database stays down run quickly.
            .unknownOutcomeWait(UNKNOWN_OUTCOME_WAIT)
            // Heartbeats often enough that a test sees takeovers quickly, with a timeout long
            // enough that a loaded machine's pauses do not declare anyone dead.
            .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(5))
            .shutdownDeadline(Duration.ofSeconds(10))
            // Periodic tasks run as in production, only more often, so every test also checks
            // that they leave correct work alone; tests may still run them by hand.
            .recoveryInterval(PERIOD)
            .timeoutCheckInterval(PERIOD)
            .powerSyncInterval(PERIOD.multipliedBy(3));
    customize.accept(builder);
    Conductor created = builder.build();
    conductors.add(created);
    return created;
  }

  public Conductor conductor() {
    return conductor;
  }

  public InMemoryNotificationSink notifications() {
    return sink;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return fresh.dataSource();
  }

  /** The switch that takes the conductors' database "down" (the test's own jdbi stays up). */
  public FaultyDataSource database(boolean up) {
    flaky.setDown(!up);
    return flaky;
  }

  public TestDatabases.Kind database() {
    return database;
  }

  public Pool pool() {
    return pool;
  }

  /** Creates a fake-hardware node with {@code driverInfo}. */
  public Node createNode(Map<String, Object> driverInfo) {
    return conductor.createNode(NodeSpec.of(FakeHardware.NAME, driverInfo));
  }

  /** Creates a fake-hardware node already in {@code state} by walking the machine to it. */
  public Node nodeIn(String state, Map<String, Object> driverInfo) {
    Node node = createNode(driverInfo);
    for (String verb : pathTo(state)) {
      node =
          finish(conductor.provision(node.uuid(), io.ferrum.conductor.ProvisionRequest.of(verb)));
    }
    return node;
  }

  private static List<String> pathTo(String state) {
    return switch (state) {
      case "enroll" -> List.of();
      case "manageable" -> List.of("manage");
      case "available" -> List.of("manage", "provide");
      case "active" -> List.of("manage", "provide", "active");
      default -> throw new IllegalArgumentException("no recipe for " + state);
    };
  }

  /** Waits for the work of {@code handle} and returns the node; fails the test on timeout. */
  public static Node finish(ActionHandle handle) {
    try {
      return handle.await(WAIT);
    } catch (ExecutionException e) {
      throw new AssertionError("work failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("work did not finish within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits for the work of {@code handle}, which is expected to fail, and returns the failure. */
  public static Throwable failure(ActionHandle handle) {
    try {
      Node node = handle.await(WAIT);
      throw new AssertionError("work was expected to fail but ended with " + node);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("work did not finish within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private boolean repairsExpected;

  /**
   * Declares that this test leaves work for reservation recovery on purpose (injected faults,
   * simulated crashes); otherwise the matrix fails a test after which recovery repaired anything.
   */
  public void expectRepairs() {
    repairsExpected = true;
  }

  boolean repairsExpected() {
    return repairsExpected;
  }

  /** {@code builder} with every periodic task off (tests may still run them by hand). */
  public static Conductor.Builder withoutPeriodicTasks(Conductor.Builder builder) {
    return builder
        .recoveryInterval(Duration.ZERO)
        .timeoutCheckInterval(Duration.ZERO)
        .powerSyncInterval(Duration.ZERO);
  }

  /** The conductors of this cell, in the order they were made. */
  public List<Conductor> conductors() {
    return List.copyOf(conductors);
  }

  /**
   * Waits until {@code condition} holds, checking every 10 ms; fails the test after {@link #WAIT}.
   */
  public static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until no conductor of this cell runs any job. */
  public void awaitIdle() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (conductors.stream().anyMatch(c -> c.workers().active() > 0)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("workers still busy after " + WAIT);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() throws Exception {
    try {
      for (Conductor c : conductors) {
        c.close();
      }
    } finally {
      fresh.close();
    }
  }

  @Override
  public String toString() {
    return database + ", " + pool;
  }
}
