package io.ferrum.benchmarks;

import io.ferrum.conductor.BoundedWorkerPool;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.LockMode;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * End-to-end conductor benchmark, in-process, fake driver without delays, on H2 and (when
 * reachable) PostgreSQL, all in one run:
 *
 * <ol>
 *   <li><b>locks</b>: exclusive task acquire + release per second, against a raw JDBC loop of the
 *       same two conditional UPDATEs on one connection (the physical limit);
 *   <li><b>cycles</b>: full deploy + undeploy cycles per second on the real worker pool, one
 *       client, and the SQL statements each cycle executes, against the statements it must execute.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.ferrum.benchmarks.ConductorBenchmark
 * [seconds]}. PostgreSQL: {@code FERRUM_BENCH_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 */
public final class ConductorBenchmark {

  /**
   * What one deploy + undeploy cycle must execute: five transitions (deploy, done, delete, clean,
   * done), each an UPDATE of the node and an INSERT of its history row, plus one reserve and one
   * release UPDATE per request (two requests).
   */
  static final int REQUIRED_STATEMENTS_PER_CYCLE = 5 * 2 + 2 * 2;

  private ConductorBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    System.out.printf(
        Locale.ROOT,
        "%-11s %14s %14s %7s %12s %12s %12s%n",
        "database",
        "raw lock/s",
        "ferrum lock/s",
        "ratio",
        "cycles/s",
        "stmts/cycle",
        "vs required");
    run("H2", "jdbc:h2:mem:bench" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", seconds);
    String pg =
        System.getenv()
            .getOrDefault(
                "FERRUM_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    String schema = "ferrum_bench_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection admin = DriverManager.getConnection(pg);
        Statement s = admin.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      try {
        run("PostgreSQL", pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema, seconds);
      } finally {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    } catch (SQLException e) {
      System.out.println("PostgreSQL    skipped: " + e.getMessage());
    }
  }

  private static void run(String label, String url, double seconds) throws Exception {
    ConnectionPool pool = Databases.pooled(url, null, null, 16);
    CountingDataSource counting = new CountingDataSource(pool);
    // Timings run on the plain pool; statements are counted in a separate, untimed run, since
    // the counting proxy slows every JDBC call.
    try (Conductor conductor = conductor(pool, "bench");
        Conductor counted = conductor(counting, "bench-counted")) {
      Node lockNode = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));
      double raw = rawLocks(pool, lockNode.id(), seconds);
      double ferrum = ferrumLocks(conductor, lockNode.uuid(), seconds);
      Node node =
          conductor.createNode(
              NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
      cycles(conductor, node.uuid(), seconds / 2); // warm-up
      Cycles measured = cycles(conductor, node.uuid(), seconds);
      long before = counting.executed();
      Cycles countedRun = cycles(counted, node.uuid(), 1);
      double perCycle = (double) (counting.executed() - before) / countedRun.count;
      System.out.printf(
          Locale.ROOT,
          "%-11s %14.0f %14.0f %6.2fx %12.1f %12.1f %11.2fx%n",
          label,
          raw,
          ferrum,
          ferrum / raw,
          measured.perSecond,
          perCycle,
          perCycle / REQUIRED_STATEMENTS_PER_CYCLE);
    } finally {
      pool.close();
    }
  }

  private static Conductor conductor(javax.sql.DataSource dataSource, String name) {
    return Conductor.builder()
        .dataSource(dataSource)
        .name(name)
        .workerPool(new BoundedWorkerPool(name, 8))
        .notificationSink(NotificationSink.none())
        .build();
  }

  /** Reserve + release with two prepared UPDATEs on one connection, autocommit. */
  private static double rawLocks(ConnectionPool pool, long id, double seconds) throws Exception {
    try (Connection c = pool.getConnection();
        PreparedStatement reserve =
            c.prepareStatement(
                "UPDATE nodes SET reservation = ? WHERE id = ? AND reservation IS NULL");
        PreparedStatement release =
            c.prepareStatement(
                "UPDATE nodes SET reservation = NULL WHERE id = ? AND reservation = ?")) {
      reserve.setString(1, "raw");
      reserve.setLong(2, id);
      release.setLong(1, id);
      release.setString(2, "raw");
      loop(seconds / 2, () -> rawPair(reserve, release));
      return loop(seconds, () -> rawPair(reserve, release));
    }
  }

  private static void rawPair(PreparedStatement reserve, PreparedStatement release)
      throws SQLException {
    if (reserve.executeUpdate() != 1 || release.executeUpdate() != 1) {
      throw new IllegalStateException("raw lock loop lost its lock");
    }
  }

  private static double ferrumLocks(Conductor conductor, String uuid, double seconds)
      throws Exception {
    Body body =
        () -> {
          try (Task task = conductor.tasks().acquire(uuid, "bench", LockMode.EXCLUSIVE)) {
            if (task.node().reservation() == null) {
              throw new IllegalStateException("not reserved");
            }
          }
        };
    loop(seconds / 2, body);
    return loop(seconds, body);
  }

  private record Cycles(long count, double perSecond) {}

  private static Cycles cycles(Conductor conductor, String uuid, double seconds) throws Exception {
    long[] count = {0};
    double rate =
        loop(
            seconds,
            () -> {
              conductor.provision(uuid, ProvisionRequest.of("deploy")).await(Duration.ofMinutes(1));
              conductor
                  .provision(uuid, ProvisionRequest.of("undeploy"))
                  .await(Duration.ofMinutes(1));
              count[0]++;
            });
    return new Cycles(count[0], rate);
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} for about {@code seconds}; returns runs per second. */
  private static double loop(double seconds, Body body) throws Exception {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long runs = 0;
    while (System.nanoTime() < deadline) {
      body.run();
      runs++;
    }
    return runs / ((System.nanoTime() - start) / 1e9);
  }
}
