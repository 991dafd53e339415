package io.ferrum.testkit.sim;

import io.ferrum.driver.HardwareType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A deterministic simulation of several conductors sharing one database: a seeded scheduler picks,
 * step after step, which client request, which pending worker job or which periodic task
 * (heartbeat, takeover, reservation recovery, callback timeouts, power sync) of which conductor
 * runs next; virtual time moves only when the scheduler moves it; conductors crash at the moments a
 * process can die with work in flight, and come back under the same name. After every step, and
 * once the run has quiesced (faults off, every job finished, dead conductors' heartbeats expired,
 * takeover, recovery and timeouts run), it checks that
 *
 * <ul>
 *   <li>no node stays reserved with no job behind it: by a live conductor, after one of its
 *       reservation recovery passes; by anyone, at quiescence;
 *   <li>every {@code start} notification is followed by its {@code end} or {@code error};
 *   <li>every provision state change follows an edge of the provision machine;
 *   <li>every acknowledged request's change is in the node's history.
 * </ul>
 *
 * <p>Crash points: a conductor may die right after a task took a node's lock, right after a job's
 * post-process-event committed, in the middle of a driver call (while the job is parked in it), and
 * right before a task's own release write; besides, at any step. A crash cuts the conductor off
 * from the database at once, drops its pending jobs, stops its heartbeats and leaves its
 * reservations in place. Driver calls run without real deadlines: a simulated hang moves virtual
 * time by the interface's deadline and fails the call as the conductor's deadline would.
 *
 * <pre>{@code
 * try (Simulation simulation = Simulation.builder(FakeHardware::new).build()) {
 *   SimulationResult result = simulation.search(1, 20); // seeds 1 to 20
 *   assertThat(result.passed()).as(result.report()).isTrue();
 *   simulation.run(result.seed());                      // replays it exactly
 * }
 * }</pre>
 *
 * <p>Runs in the calling thread, with one thread per pending job or periodic task, only one of
 * which runs at a time. Uses a private H2 in-memory database, emptied at the start of every run and
 * dropped by {@link #close()}: {@code com.h2database:h2} must be on the class path (this module
 * declares it optional). Not thread-safe; independent instances may run in parallel.
 */
public final class Simulation implements AutoCloseable {

  private static final java.util.concurrent.atomic.AtomicLong DATABASES =
      new java.util.concurrent.atomic.AtomicLong();

  /** The hardware type of one run: a fresh one per run, or the one instance for all. */
  final Supplier<? extends HardwareType> hardware;

  final List<Map<String, Object>> driverInfos;
  final int conductors;
  final int nodes;
  final int steps;
  final int workers;
  final double crashChance;
  final double driverFailureChance;
  final double hangChance;
  final double outageChance;
  final double dropJobChance;
  final double sinkFailureChance;
  final Duration heartbeatInterval = Duration.ofSeconds(10);
  final Duration heartbeatTimeout = Duration.ofSeconds(30);
  final Duration callbackTimeout = Duration.ofMinutes(5);
  private io.ferrum.conductor.ConnectionPool database;

  private Simulation(Builder builder) {
    this.hardware = builder.hardware;
    this.driverInfos = List.copyOf(builder.driverInfos);
    this.conductors = builder.conductors;
    this.nodes = builder.nodes;
    this.steps = builder.steps;
    this.workers = builder.workers;
    this.crashChance = builder.crashChance;
    this.driverFailureChance = builder.driverFailureChance;
    this.hangChance = builder.hangChance;
    this.outageChance = builder.outageChance;
    this.dropJobChance = builder.dropJobChance;
    this.sinkFailureChance = builder.sinkFailureChance;
  }

  /**
   * Starts configuring a simulation whose nodes use {@code hardware} (wrapped: the simulation
   * decides each call's fate before the hardware type sees it).
   *
   * <p>This one instance serves every run, so a seed replays exactly only if the hardware type
   * keeps no state from one run to the next: one that remembers, say, a machine's power by its
   * driver_info would start a run where the runs before it left it, and {@code run(seed)} after
   * {@link #search} would differ from a fresh {@code run(seed)}. For such a hardware type use
   * {@link #builder(Supplier)}.
   */
  public static Builder builder(HardwareType hardware) {
    Objects.requireNonNull(hardware, "hardware");
    return new Builder(() -> hardware);
  }

  /**
   * Starts configuring a simulation whose nodes use a fresh hardware type from {@code hardware} in
   * every run (all conductors of the run share it), so that a seed replays exactly whatever state
   * the hardware type keeps: {@code Simulation.builder(PlugHardware::new)}.
   */
  public static Builder builder(Supplier<? extends HardwareType> hardware) {
    return new Builder(Objects.requireNonNull(hardware, "hardware"));
  }

  /** Runs one sequence from {@code seed}; the same seed gives the same trace and result. */
  public SimulationResult run(long seed) {
    return new SimRun(this, seed).run();
  }

  /**
   * Runs the sequences of seeds {@code firstSeed}, {@code firstSeed + 1}, ... until one breaks an
   * invariant or {@code sequences} passed.
   *
   * @return the first failing result, or the last passing one
   * @throws IllegalArgumentException when {@code sequences} is less than 1
   */
  public SimulationResult search(long firstSeed, int sequences) {
    if (sequences < 1) {
      throw new IllegalArgumentException("A search runs at least 1 sequence, not " + sequences);
    }
    SimulationResult last = null;
    for (int i = 0; i < sequences; i++) {
      last = run(firstSeed + i);
      if (!last.passed()) {
        return last;
      }
    }
    return last;
  }

  /** This simulation's database, emptied by each run and migrated by the first. */
  io.ferrum.conductor.ConnectionPool database() {
    if (database == null) {
      database =
          io.ferrum.conductor.Databases.pooled(
              "jdbc:h2:mem:ferrum-sim-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
              null,
              null,
              8,
              io.ferrum.conductor.Databases.Durability.PROCESS);
    }
    return database;
  }

  /** Drops this simulation's in-memory database; a later run makes a new one. */
  @Override
  public void close() {
    if (database != null) {
      try (java.sql.Connection connection = database.getConnection();
          java.sql.Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      } catch (java.sql.SQLException e) {
        // already gone
      }
      database.close();
      database = null;
    }
  }

  /** Configures a {@link Simulation}. Not thread-safe. */
  public static final class Builder {
    private final Supplier<? extends HardwareType> hardware;
    private final List<Map<String, Object>> driverInfos = new ArrayList<>();
    private int conductors = 3;
    private int nodes = 6;
    private int steps = 60;
    private int workers = 4;
    private double crashChance = 0.02;
    private double driverFailureChance = 0.05;
    private double hangChance = 0.03;
    private double outageChance = 0.02;
    private double dropJobChance;
    private double sinkFailureChance = 0.02;

    private Builder(Supplier<? extends HardwareType> hardware) {
      this.hardware = hardware;
    }

    /** How many conductors share the database (default 3, at least 2). */
    public Builder conductors(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("A simulation needs at least 2 conductors");
      }
      this.conductors = value;
      return this;
    }

    /** How many nodes there are (default 6). */
    public Builder nodes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("A simulation needs at least 1 node");
      }
      this.nodes = value;
      return this;
    }

    /** How many scheduler steps a sequence runs before it quiesces (default 60). */
    public Builder steps(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("A sequence needs at least 1 step");
      }
      this.steps = value;
      return this;
    }

    /** Each conductor's worker pool size (default 4); more jobs at once are refused. */
    public Builder workers(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("A conductor needs at least 1 worker");
      }
      this.workers = value;
      return this;
    }

    /**
     * Adds a {@code driver_info} for the nodes; they use those given in turn (node 0 gets the
     * first, node 1 the second, ...). Default: one empty driver_info. {@link #build()} refuses
     * driver_info the hardware type refuses every one of.
     */
    public Builder driverInfo(Map<String, Object> value) {
      this.driverInfos.add(Map.copyOf(value));
      return this;
    }

    /**
     * The chance that a conductor crashes at each crash point it reaches (default 0.02); a crash
     * between steps comes with 0.6 times this chance per step. Zero: no crash.
     */
    public Builder crashChance(double value) {
      this.crashChance = chance(value);
      return this;
    }

    /** The chance that a hardware call fails (default 0.05). */
    public Builder driverFailureChance(double value) {
      this.driverFailureChance = chance(value);
      return this;
    }

    /** The chance that a hardware call hangs until its deadline (default 0.03). */
    public Builder hangChance(double value) {
      this.hangChance = chance(value);
      return this;
    }

    /**
     * How often the database goes down for one to four steps (default 0.02: an outage starts at 0.6
     * times this chance per step): every conductor's calls fail meanwhile.
     */
    public Builder outageChance(double value) {
      this.outageChance = chance(value);
      return this;
    }

    /**
     * The chance that the notification sink throws an {@link Error} after taking a notification
     * (default 0.02): the conductor must go on as if it had not.
     */
    public Builder sinkFailureChance(double value) {
      this.sinkFailureChance = chance(value);
      return this;
    }

    /**
     * A deliberate fault, to check that the simulation finds what it should: the chance that the
     * worker pool forgets a job parked in a driver call instead of resuming it, without running its
     * failure path and while still counting it live (a pool breaking the {@code WorkerPool}
     * contract). Default zero; never use it but to test the simulation.
     */
    public Builder dropJobChance(double value) {
      this.dropJobChance = chance(value);
      return this;
    }

    /**
     * Makes the simulation, once a hardware type from the builder's, given the settings of the
     * simulation's conductors (none), accepts at least one of the driver_info ({@code checkInput},
     * then the power and management interfaces' {@code validate}, as at node creation and {@code
     * manage}); the others are kept, and their nodes fail validation as they would in production.
     *
     * @throws IllegalArgumentException naming each driver_info and the hardware type's reason when
     *     it refuses them all (an empty one included, the default): every {@code manage} would fail
     *     validation and every run would pass without driving anything
     */
    public Simulation build() {
      HardwareType checked =
          Objects.requireNonNull(hardware.get(), "the simulation's hardware supplier gave null");
      checked.configure(io.ferrum.driver.DriverSettings.of(Map.of()));
      io.ferrum.testkit.internal.DriverInfoCheck.requireOneAccepted(
          checked,
          driverInfos.isEmpty() ? List.of(Map.of()) : driverInfos,
          "Simulation.Builder.driverInfo(...)");
      return new Simulation(this);
    }

    private static double chance(double value) {
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException("A chance is between 0 and 1, not " + value);
      }
      return value;
    }
  }
}
