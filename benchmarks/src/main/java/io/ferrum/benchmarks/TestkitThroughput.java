package io.ferrum.benchmarks;

import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import io.ferrum.testkit.Budget;
import io.ferrum.testkit.MachineCheck;
import io.ferrum.testkit.Report;
import io.ferrum.testkit.conductor.ConductorCheck;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * How fast the testkit's checks run, in one process:
 *
 * <ol>
 *   <li><b>MachineCheck</b> on Ironic's provision machine (with its wait states): random walks of
 *       up to 60 events per second, the table checks included;
 *   <li><b>ConductorCheck</b> on a real conductor with the fake driver, on in-memory H2 and (when
 *       reachable) PostgreSQL: operations per second, with and without injected faults, each run of
 *       50 operations including its fresh database, migration, conductor start and the final
 *       checks; and what a run costs besides its operations (runs of one operation).
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.ferrum.benchmarks.TestkitThroughput
 * [walks] [runs]} (defaults 20,000 walks and 20 runs). PostgreSQL: {@code FERRUM_BENCH_PG_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 */
public final class TestkitThroughput {

  private static final String PG_URL =
      System.getenv()
          .getOrDefault(
              "FERRUM_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private TestkitThroughput() {}

  public static void main(String[] args) throws Exception {
    int walks = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<String> waitStates =
        ProvisionMachine.WAIT_STATES.stream().map(ProvisionState::value).toList();

    machineCheck(waitStates, Math.max(1, walks / 10), 1); // warm-up
    double walksPerSecond = machineCheck(waitStates, walks, 2);
    System.out.printf(
        Locale.ROOT,
        "MachineCheck, provision machine: %,d walks, %,.0f walks/s%n",
        walks,
        walksPerSecond);

    conductorCheck(ConductorCheck.ofDefaults(), Math.max(2, runs / 5), 3); // warm-up
    for (boolean faults : new boolean[] {true, false}) {
      double opsPerSecond = conductorCheck(ConductorCheck.ofDefaults().faults(faults), runs, 4);
      System.out.printf(
          Locale.ROOT,
          "ConductorCheck, H2 in memory, %s: %d runs of 50 operations, %,.0f operations/s%n",
          faults ? "with faults" : "without faults",
          runs,
          opsPerSecond);
    }
    long start = System.nanoTime();
    ConductorCheck.ofDefaults().budget(new Budget(runs, 1, 6)).run().assertPassed();
    System.out.printf(
        Locale.ROOT,
        "ConductorCheck, H2 in memory: fixed cost of a run (database, conductor, checks): %.0f ms%n",
        (System.nanoTime() - start) / 1e6 / runs);
    try (Connection probe = DriverManager.getConnection(PG_URL)) {
      probe.isValid(5);
    } catch (SQLException e) {
      System.out.println("ConductorCheck, PostgreSQL: skipped: " + e.getMessage());
      return;
    }
    double opsPerSecond =
        conductorCheck(ConductorCheck.ofDefaults().database(TestkitThroughput::postgres), runs, 5);
    System.out.printf(
        Locale.ROOT,
        "ConductorCheck, PostgreSQL, with faults: %d runs of 50 operations, %,.0f operations/s%n",
        runs,
        opsPerSecond);
  }

  /** A fresh schema in {@link #PG_URL}, dropped on close. */
  private static ConductorCheck.Database postgres() {
    String schema =
        "ferrum_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE SCHEMA " + schema);
    ConnectionPool pool =
        Databases.pooled(
            PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
            null,
            null,
            20);
    return new ConductorCheck.Database() {
      @Override
      public DataSource dataSource() {
        return pool;
      }

      @Override
      public void close() {
        pool.close();
        execute("DROP SCHEMA " + schema + " CASCADE");
      }
    };
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(PG_URL);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static double machineCheck(List<String> waitStates, int walks, long seed) {
    long start = System.nanoTime();
    Report report =
        MachineCheck.of(ProvisionMachine.DEFINITION)
            .waitStates(waitStates, "fail", "abort")
            .budget(new Budget(walks, 60, seed))
            .run();
    double seconds = (System.nanoTime() - start) / 1e9;
    report.assertPassed();
    return walks / seconds;
  }

  private static double conductorCheck(ConductorCheck check, int runs, long seed) {
    long start = System.nanoTime();
    Report report = check.budget(new Budget(runs, 50, seed)).run();
    double seconds = (System.nanoTime() - start) / 1e9;
    report.assertPassed();
    return runs * 50 / seconds;
  }
}
