package io.ferrum.testkit.conductor;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.driver.HardwareType;
import io.ferrum.testkit.Budget;
import io.ferrum.testkit.CheckResult;
import io.ferrum.testkit.Choices;
import io.ferrum.testkit.Report;
import io.ferrum.testkit.Violation;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Checks a real, embedded {@link Conductor} against a reference model: runs random operations
 * (create, provision verbs, power, patch, maintenance, delete, periodic tasks) from several client
 * threads at once, injects faults (driver exceptions, errors and hangs, database failures at chosen
 * statements, notification sinks that throw), then waits for every job to end, runs reservation
 * recovery, and checks the invariants:
 *
 * <ul>
 *   <li>a refused request (400, 403, 404, 409, a busy node, no free worker) changed nothing;
 *   <li>a provision verb is accepted exactly where fsm-core's provision machine has its event;
 *   <li>every accepted request's work ends; requests fail only with the conductor's exceptions;
 *   <li>no node stays locked or rests in a working state; without database faults, recovery has
 *       nothing to repair;
 *   <li>every {@code start} notification has its {@code end} or {@code error}; each node's
 *       notifications follow one another and end where the node is;
 *   <li>every state change in history is a transition of the machine, and history ends where the
 *       node is;
 *   <li>nothing is lost: a node created and not deleted exists; a deleted one does not.
 * </ul>
 *
 * <p>A run is a fresh database, a fresh conductor built by the caller's function and {@code
 * maxSteps} operations; {@link Budget#examples()} runs are made. A failing run is cut down to its
 * shortest failing prefix (and then single operations are dropped while it still fails), and the
 * report prints its operations and the seed that replays it.
 *
 * <pre>{@code
 * ConductorCheck.of(wiring -> wiring.builder().workers(4)).run().assertPassed();
 * }</pre>
 *
 * <p>Not thread-safe; a run uses threads of its own.
 */
public final class ConductorCheck {

  /** The system property that sets how many runs {@link #run()} makes (default 20). */
  public static final String RUNS_PROPERTY = "ferrum.testkit.conductor.runs";

  /** The system property that sets how many operations a run of {@link #run()} has (50). */
  public static final String OPERATIONS_PROPERTY = "ferrum.testkit.conductor.operations";

  /** A fresh database for one run, dropped when the run ends. */
  public interface Database extends AutoCloseable {
    /** The database's data source. */
    DataSource dataSource();

    /** Drops the database. */
    @Override
    void close();
  }

  private final Function<ConductorWiring, Conductor.Builder> conductor;
  private Supplier<Database> database = ConductorCheck::h2;
  private Supplier<? extends HardwareType> hardwareType;
  private List<Map<String, Object>> driverInfos;

  /** The name of the hardware type the runs used, once one was made. */
  private String hardwareName;

  private int clients = 3;
  private boolean faults = true;
  private Duration callDeadline = Duration.ofMillis(300);
  private Duration jobWait = Duration.ofSeconds(20);
  private Duration shrinkTime = Duration.ofMinutes(1);
  private Budget budget;

  private ConductorCheck(Function<ConductorWiring, Conductor.Builder> conductor) {
    this.conductor = Objects.requireNonNull(conductor, "conductor");
  }

  /**
   * A check of the conductors {@code conductor} builds, one per run, from the run's wiring:
   * typically {@code wiring -> wiring.builder()} plus settings of your own.
   */
  public static ConductorCheck of(Function<ConductorWiring, Conductor.Builder> conductor) {
    return new ConductorCheck(conductor);
  }

  /** A check of a conductor with {@link ConductorWiring#builder()}'s settings. */
  public static ConductorCheck ofDefaults() {
    return of(ConductorWiring::builder);
  }

  /**
   * The hardware type of the nodes (default: {@code fake-hardware}, found on the class path), and
   * the driver_info each new node gets: one of {@code driverInfos}, chosen at random.
   *
   * <p>A run refuses to start, with an {@link IllegalArgumentException} naming each driver_info and
   * the hardware type's reason, when the hardware type (configured by the run's conductor) refuses
   * every one of them ({@code checkInput}, then the power and management interfaces' {@code
   * validate}): every {@code manage} would fail validation and the check would pass without driving
   * anything. A refused driver_info among accepted ones is kept: its nodes exercise the conductor's
   * validation failures.
   *
   * <p>This one instance serves every run, and every replay while a failure is shrunk, each run's
   * conductor configuring it anew. So the runs are independent, and a failing run replays exactly,
   * only if the hardware type keeps no state from one run to the next. One that remembers, say, a
   * machine's power by its driver_info starts each run where the runs before it left it: a failure
   * may then depend on earlier runs, and neither shrinking nor the report's replay reproduces it.
   * For such a hardware type use {@link #hardwareType(Supplier, List)}.
   */
  public ConductorCheck hardwareType(HardwareType type, List<Map<String, Object>> driverInfos) {
    Objects.requireNonNull(type, "type");
    return hardwareType(() -> type, driverInfos);
  }

  /**
   * The same as {@link #hardwareType(HardwareType, List)}, with a fresh hardware type from {@code
   * fresh} for every run and every replay while a failure is shrunk, so that the runs are
   * independent and a failing run replays exactly whatever state the hardware type keeps: {@code
   * hardwareType(PlugHardware::new, driverInfos)}.
   */
  public ConductorCheck hardwareType(
      Supplier<? extends HardwareType> fresh, List<Map<String, Object>> driverInfos) {
    Objects.requireNonNull(fresh, "fresh");
    if (driverInfos.isEmpty()) {
      throw new IllegalArgumentException("give at least one driver_info");
    }
    this.hardwareType = fresh;
    this.driverInfos = List.copyOf(driverInfos);
    return this;
  }

  /** Where each run's fresh database comes from (default: {@link #h2()}). */
  public ConductorCheck database(Supplier<Database> fresh) {
    this.database = Objects.requireNonNull(fresh, "fresh");
    return this;
  }

  /** How many clients send requests at once, each on a thread of its own (default 3). */
  public ConductorCheck clients(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("clients must be at least 1, not " + count);
    }
    this.clients = count;
    return this;
  }

  /** Whether to inject faults (default true); without, only the operations run. */
  public ConductorCheck faults(boolean inject) {
    this.faults = inject;
    return this;
  }

  /**
   * The deadline of every driver call (default 300 ms); a hanging call blocks four times as long.
   */
  public ConductorCheck callDeadline(Duration deadline) {
    this.callDeadline = Objects.requireNonNull(deadline, "deadline");
    return this;
  }

  /** How long a request's work may take before it counts as never ending (default 20 s). */
  public ConductorCheck jobWait(Duration wait) {
    this.jobWait = Objects.requireNonNull(wait, "wait");
    return this;
  }

  /**
   * How long shrinking a failing run may take (default 1 minute); each try is a fresh run, and when
   * the time is up the shortest failing sequence found so far is reported.
   */
  public ConductorCheck shrinkTime(Duration limit) {
    this.shrinkTime = Objects.requireNonNull(limit, "limit");
    return this;
  }

  /** The runs ({@link Budget#examples()}), operations per run ({@link Budget#maxSteps()}), seed. */
  public ConductorCheck budget(Budget value) {
    this.budget = Objects.requireNonNull(value, "value");
    return this;
  }

  /**
   * The budget {@link #run()} uses without {@link #budget(Budget)}: {@value #RUNS_PROPERTY} runs
   * (default 20) of {@value #OPERATIONS_PROPERTY} operations (default 50), from {@value
   * Budget#SEED_PROPERTY} or a fresh seed.
   */
  public static Budget defaultBudget() {
    return new Budget(
        Integer.getInteger(RUNS_PROPERTY, 20),
        Integer.getInteger(OPERATIONS_PROPERTY, 50),
        Budget.defaults().seed());
  }

  /**
   * A fresh in-memory H2 database; needs {@code com.h2database:h2} on the class path (the message
   * names it when it is missing).
   */
  public static Database h2() {
    String url = "jdbc:h2:mem:check" + UUID.randomUUID().toString().replace("-", "");
    ConnectionPool pool = Databases.pooled(url + ";DB_CLOSE_DELAY=-1", "sa", "", 20);
    return new Database() {
      @Override
      public DataSource dataSource() {
        return pool;
      }

      @Override
      public void close() {
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute("SHUTDOWN");
        } catch (java.sql.SQLException e) {
          // Gone already.
        } finally {
          pool.close();
        }
      }
    };
  }

  /**
   * Makes the runs of the budget; stops at the first failing one, shrinks it, and reports.
   *
   * @throws IllegalArgumentException when the hardware type refuses every driver_info (see {@link
   *     #hardwareType})
   */
  public Report run() {
    Budget chosen = budget != null ? budget : defaultBudget();
    Run.Stats covered = Run.Stats.NONE;
    for (int i = 0; i < chosen.examples(); i++) {
      long runSeed = runSeed(chosen.seed(), i);
      List<Operation> ops = generate(Choices.seeded(runSeed), chosen.maxSteps());
      Run run = new Run(setup(), ops);
      List<Violation> found = run.execute();
      covered = covered.plus(run.stats());
      Report failed =
          failing(
              ops,
              found,
              "-Dferrum.testkit.seed="
                  + chosen.seed()
                  + " (run "
                  + (i + 1)
                  + " alone: run(Choices.seeded("
                  + runSeed
                  + "L), "
                  + chosen.maxSteps()
                  + "))");
      if (failed != null) {
        return failed;
      }
    }
    return passed(chosen.examples(), covered);
  }

  /**
   * Makes one run of {@code steps} operations whose every decision {@code choices} takes (any
   * property-testing engine can drive it with {@link Choices#of(List)}), shrinks a failure, and
   * reports.
   */
  public Report run(Choices choices, int steps) {
    List<Operation> ops = generate(choices, steps);
    Run run = new Run(setup(), ops);
    Report failed = failing(ops, run.execute(), "the same choices");
    return failed != null ? failed : passed(1, run.stats());
  }

  /** The seed of run {@code index} of a budget seeded with {@code seed}. */
  static long runSeed(long seed, int index) {
    return seed * 31 + index * 0x9E3779B97F4A7C15L;
  }

  private List<Operation> generate(Choices choices, int steps) {
    return Operation.generate(choices, steps, clients, driverInfos().size(), faults);
  }

  private Run.Setup setup() {
    Supplier<? extends HardwareType> fresh = hardware();
    Supplier<HardwareType> named =
        () -> {
          HardwareType type = fresh.get();
          if (type != null) {
            hardwareName = type.name();
          }
          return type;
        };
    return new Run.Setup(conductor, database, named, driverInfos(), clients, callDeadline, jobWait);
  }

  /** Where each run's hardware type comes from: the one given, or a fresh fake-hardware. */
  private Supplier<? extends HardwareType> hardware() {
    if (hardwareType != null) {
      return hardwareType;
    }
    fakeHardware(); // fails at once, before any run, when it is missing
    return ConductorCheck::fakeHardware;
  }

  private static HardwareType fakeHardware() {
    for (HardwareType type : ServiceLoader.load(HardwareType.class)) {
      if (type.name().equals("fake-hardware")) {
        return type;
      }
    }
    throw new IllegalStateException(
        "no hardware type given (ConductorCheck.hardwareType) and fake-hardware is not on the"
            + " class path (io.ferrum:ferrum-driver-fake)");
  }

  private List<Map<String, Object>> driverInfos() {
    if (driverInfos != null) {
      return driverInfos;
    }
    // fake-hardware: a node that deploys at once, and one that waits for a callback.
    return List.of(Map.of(), Map.of("fake_wait", "deploy.deploy"));
  }

  /** Runs {@code ops}; if they fail, the shrunk report, else {@code null}. */
  private Report failing(List<Operation> ops, List<Violation> found, String replay) {
    if (found.isEmpty()) {
      return null;
    }
    List<Operation> shortest = ops;
    List<Violation> shortestFound = found;
    // The shortest failing prefix, by bisection; each try is a fresh run.
    long stop = System.nanoTime() + shrinkTime.toNanos();
    int low = 0;
    int high = ops.size();
    while (high - low > 1 && System.nanoTime() < stop) {
      int middle = (low + high) / 2;
      List<Violation> tried = new Run(setup(), ops.subList(0, middle)).execute();
      if (sameCheck(tried, found)) {
        high = middle;
        shortest = ops.subList(0, middle);
        shortestFound = tried;
      } else {
        low = middle;
      }
    }
    // Then drop chunks of operations, halves first, down to single ones, while it still fails.
    for (int chunk = Math.max(1, shortest.size() / 2);
        chunk >= 1 && System.nanoTime() < stop;
        chunk /= 2) {
      for (int from = shortest.size() - chunk;
          from >= 0 && shortest.size() > 1 && System.nanoTime() < stop;
          from -= chunk) {
        List<Operation> without = new ArrayList<>(shortest.subList(0, from));
        without.addAll(shortest.subList(from + chunk, shortest.size()));
        if (without.isEmpty()) {
          continue;
        }
        List<Violation> tried = new Run(setup(), without).execute();
        if (sameCheck(tried, found)) {
          shortest = without;
          shortestFound = tried;
        }
      }
    }
    return report(shortestFound, shortest.size(), ops.size(), replay);
  }

  private static boolean sameCheck(List<Violation> tried, List<Violation> found) {
    return tried.stream().anyMatch(v -> v.check().equals(found.get(0).check()));
  }

  private Report report(List<Violation> found, int shortest, int original, String replay) {
    Map<String, List<Violation>> byCheck = new LinkedHashMap<>();
    for (Violation violation : found) {
      byCheck.computeIfAbsent(violation.check(), k -> new ArrayList<>()).add(violation);
    }
    List<CheckResult> checks = new ArrayList<>();
    for (String name : Run.CHECKS) {
      List<Violation> broken = byCheck.get(name);
      checks.add(
          broken == null
              ? CheckResult.passed(name, "the failing run of " + shortest + " operations")
              : CheckResult.failed(
                  name,
                  broken.get(0).message()
                      + (broken.size() > 1 ? " (and " + (broken.size() - 1) + " more)" : "")
                      + "; "
                      + shortest
                      + " operations (shrunk from "
                      + original
                      + ")"));
    }
    List<Violation> first = byCheck.values().stream().map(list -> list.get(0)).toList();
    return new Report(subject(), checks, first, replay);
  }

  private Report passed(int runs, Run.Stats covered) {
    String coverage =
        runs + " run(s), " + covered.operations() + " operations from " + clients + " clients";
    List<CheckResult> checks = new ArrayList<>();
    for (String name : Run.CHECKS) {
      String message =
          switch (name) {
            case Run.REFUSED -> coverage + ", " + covered.refusalsJudged() + " refusals judged";
            case Run.MACHINE -> coverage + ", " + covered.verbsJudged() + " verbs judged";
            case Run.EXCEPTIONS ->
                coverage
                    + ", faults struck: "
                    + covered.databaseFaults()
                    + " database, "
                    + covered.driverFaults()
                    + " driver, "
                    + covered.sinkFaults()
                    + " sink";
            default -> coverage;
          };
      checks.add(CheckResult.passed(name, message));
    }
    return new Report(subject(), checks, List.of(), null);
  }

  private String subject() {
    return "conductor with hardware type \""
        + (hardwareName != null ? hardwareName : hardwareType == null ? "fake-hardware" : "?")
        + "\""
        + (faults ? ", with injected faults" : "");
  }
}
