package io.ferrum.testkit.sim;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.FerrumException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.Notification;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.TaskProbe;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.faults.FaultyDataSource;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** One simulated sequence: its database, conductors, scheduler, faults and invariants. */
final class SimRun {

  /**
   * Numbers the runs of this JVM: node UUIDs are new in every run, since hardware types (the fake
   * one among them) may keep state per UUID from one run to the next. The trace names nodes n0, n1,
   * ... so that it does not depend on them.
   */
  private static final AtomicLong RUNS = new AtomicLong();

  /**
   * The deadlines a production conductor gives each interface by default: how much virtual time a
   * hang costs. The simulation's conductors run with deadlines of zero (calls on the caller's
   * thread), so the simulation plays the deadline itself.
   */
  private static final Map<String, Duration> DEADLINES =
      Map.of(
          "power", Duration.ofSeconds(60),
          "management", Duration.ofSeconds(60),
          "boot", Duration.ofMinutes(10),
          "deploy", Duration.ofMinutes(30),
          "clean", Duration.ofMinutes(30),
          "inspect", Duration.ofMinutes(30),
          "rescue", Duration.ofMinutes(30));

  private static final List<String> VERBS =
      List.of(
          "manage", "provide", "deploy", "active", "deleted", "rebuild", "inspect", "abort",
          "adopt");

  private static final Set<String> WORKING =
      ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL.stream()
          .map(ProvisionState::value)
          .collect(Collectors.toUnmodifiableSet());

  private static final String[] PERIODICS = {
    "heartbeat", "heartbeat", "takeover", "recovery", "timeouts", "power-sync"
  };

  /** One conductor name and its current instance. */
  private final class Slot {
    final int index;
    final String name;
    Conductor conductor;
    SimDatabase db;
    SimPool pool;
    boolean crashed = true;
    final Map<String, Fiber> periodics = new HashMap<>();
    int lastGoodRecoveryStart = -1;

    Slot(int index) {
      this.index = index;
      this.name = "c" + index;
    }
  }

  private record Ack(String node, String event, String state, int step) {}

  private final Simulation sim;

  /** This run's hardware type, shared by its conductors. */
  private final io.ferrum.driver.HardwareType hardware;

  private final long seed;
  private final SplittableRandom random;
  private final SimClock clock = new SimClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<String> trace = new ArrayList<>();
  private final FaultyDataSource.Outage outage = SimDatabase.outage();
  private final Slot[] slots;
  private final List<Fiber> parked = new ArrayList<>();
  private final List<Fiber> dropped = new ArrayList<>();
  private final List<String> nodes = new ArrayList<>();
  private final Map<String, String> labels = new HashMap<>();

  /** Per node and action, the conductors whose start has no end or error yet, latest last. */
  private final Map<String, List<String>> openStarts = new TreeMap<>();

  private final Set<String> mayHaveLost = new java.util.HashSet<>();
  private final Map<String, Integer> unbackedSince = new HashMap<>();
  private final List<Ack> acks = new ArrayList<>();
  private ConnectionPool shared;
  private Connection observer;
  private int step;
  private int outageLeft;
  private boolean faults = true;
  private boolean migrate;
  private long runId;
  private String violation;

  SimRun(Simulation sim, long seed) {
    this.sim = sim;
    this.hardware =
        Objects.requireNonNull(sim.hardware.get(), "the simulation's hardware supplier gave null");
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.slots = new Slot[sim.conductors];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i);
    }
  }

  SimulationResult run() {
    runId = RUNS.incrementAndGet();
    shared = sim.database();
    try {
      observer = shared.getConnection();
      boolean fresh = reset();
      migrate = fresh;
      setUp();
      for (step = 1; step <= sim.steps && violation == null; step++) {
        step();
        check();
      }
      if (violation == null) {
        quiesce();
      }
    } catch (Fiber.Crash crash) {
      fail("a crash escaped to the scheduler: " + crash.getMessage());
    } catch (SQLException | RuntimeException e) {
      fail("the simulation itself failed: " + e);
    } finally {
      tearDown();
    }
    return new SimulationResult(seed, step, violation, trace);
  }

  // ---- set-up and tear-down ----

  private void setUp() {
    for (Slot slot : slots) {
      start(slot);
    }
    Conductor first = slots[0].conductor;
    for (int i = 0; i < sim.nodes; i++) {
      String uuid =
          UUID.nameUUIDFromBytes((runId + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
      Map<String, Object> info =
          sim.driverInfos.isEmpty() ? Map.of() : sim.driverInfos.get(i % sim.driverInfos.size());
      nodes.add(uuid);
      labels.put(uuid, "n" + i);
      first.createNode(
          new NodeSpec(uuid, "n" + i, hardware.name(), info, null, null, null, null, null));
    }
    trace.add("setup: " + sim.conductors + " conductors, " + sim.nodes + " nodes");
  }

  private boolean start(Slot slot) {
    SimDatabase db = new SimDatabase(shared, outage);
    SimPool pool = new SimPool(this, slot.index, sim.workers);
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(db.dataSource())
            .name(slot.name)
            .workerPool(pool)
            .hardwareType(SimHardware.wrap(hardware, this, slot.index))
            .enabledHardwareTypes(Set.of(hardware.name()))
            .notificationSink(n -> heard(slot, n))
            .clock(clock)
            .livenessClock(clock)
            .periodicTasks(false)
            .lockWait(Duration.ZERO)
            .unknownOutcomeWait(Duration.ZERO)
            .heartbeat(sim.heartbeatInterval, sim.heartbeatTimeout)
            .callbackTimeout(sim.callbackTimeout)
            .taskProbe(this::probe)
            .migrate(migrate);
    migrate = false;
    for (String name : List.of("validate", "power", "management", "boot", "deploy", "clean")) {
      builder.driverCallTimeout(name, Duration.ZERO);
    }
    builder.driverCallTimeout("inspect", Duration.ZERO).driverCallTimeout("rescue", Duration.ZERO);
    slot.db = db;
    slot.pool = pool;
    slot.crashed = false;
    try {
      slot.conductor = builder.build();
      slot.lastGoodRecoveryStart = step;
      return true;
    } catch (Fiber.Crash crash) {
      return false;
    } catch (FerrumException e) {
      slot.crashed = true;
      slot.db.crash();
      trace.add("#" + step + " restart " + slot.name + " refused: " + kind(e));
      return false;
    }
  }

  private void tearDown() {
    for (Slot slot : slots) {
      if (slot.db != null) {
        slot.db.crash();
      }
    }
    for (Fiber fiber : new ArrayList<>(parked)) {
      fiber.kill();
    }
    for (Fiber fiber : dropped) {
      fiber.kill();
    }
    parked.clear();
    for (Slot slot : slots) {
      if (slot.conductor != null) {
        try {
          slot.conductor.close();
        } catch (RuntimeException | Fiber.Crash e) {
          // its database is gone; nothing to give back
        }
      }
    }
    try {
      if (observer != null) {
        observer.close();
      }
    } catch (SQLException e) {
      // the next run's reset tells
    }
  }

  /**
   * Empties the simulation's database, keeping its schema: much cheaper than migrating a new one
   * for every sequence. Identities restart, so a sequence sees the same ids however many ran before
   * it.
   *
   * @return whether the database has no schema yet (the first conductor migrates it)
   */
  private boolean reset() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (PreparedStatement statement =
            observer.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'"
                    + " AND table_type = 'BASE TABLE' ORDER BY table_name");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    if (tables.isEmpty()) {
      return true;
    }
    try (java.sql.Statement statement = observer.createStatement()) {
      statement.execute("SET REFERENTIAL_INTEGRITY FALSE");
      for (String table : tables) {
        if (!table.equalsIgnoreCase("flyway_schema_history")) {
          statement.execute("TRUNCATE TABLE \"" + table + "\" RESTART IDENTITY");
        }
      }
      statement.execute("SET REFERENTIAL_INTEGRITY TRUE");
    }
    return false;
  }

  // ---- the scheduler ----

  private void step() {
    if (outageLeft > 0 && --outageLeft == 0) {
      outage.clear();
      trace.add("#" + step + " database back");
      // A conductor that left work unrecorded retries its recovery every few seconds while the
      // database is down (Conductor.recoverReservations), so it runs as soon as the database is
      // back, before the next request: only then may an unknown outcome be announced in order.
      for (Slot slot : slots) {
        if (!slot.crashed && !slot.periodics.containsKey("recovery")) {
          runPeriodic(slot, "recovery");
        }
      }
    }
    double r = random.nextDouble();
    if (r < 0.30) {
      clientRequest();
    } else if (r < 0.55) {
      if (parked.isEmpty()) {
        clientRequest();
      } else {
        resumeParked(parked.get(random.nextInt(parked.size())));
      }
    } else if (r < 0.83) {
      periodic();
    } else if (r < 0.91) {
      Duration by = Duration.ofSeconds(1 + random.nextInt(15));
      clock.advance(by);
      trace.add("#" + step + " time +" + by.toSeconds() + " s");
    } else if (r < 0.94) {
      Slot victim = slots[random.nextInt(slots.length)];
      if (!victim.crashed && live() > 1 && random.nextDouble() < sim.crashChance * 20) {
        crash(victim, "between steps");
      } else {
        clientRequest();
      }
    } else if (r < 0.97) {
      List<Slot> dead = new ArrayList<>();
      for (Slot slot : slots) {
        if (slot.crashed) {
          dead.add(slot);
        }
      }
      if (dead.isEmpty()) {
        clientRequest();
      } else {
        Slot back = dead.get(random.nextInt(dead.size()));
        if (start(back)) {
          trace.add("#" + step + " restart " + back.name);
        }
      }
    } else if (outageLeft == 0 && random.nextDouble() < sim.outageChance * 20) {
      outageLeft = 1 + random.nextInt(4);
      if (random.nextBoolean()) {
        outage.setDown(true);
        trace.add("#" + step + " database down for " + outageLeft + " step(s)");
      } else {
        outageLeft++;
        outage.dieAtNextCommit();
        trace.add(
            "#" + step + " database dies at its next commit, within " + outageLeft + " step(s)");
      }
    } else {
      clientRequest();
    }
  }

  private Slot randomLive() {
    List<Slot> live = new ArrayList<>();
    for (Slot slot : slots) {
      if (!slot.crashed) {
        live.add(slot);
      }
    }
    return live.get(random.nextInt(live.size()));
  }

  private int live() {
    int n = 0;
    for (Slot slot : slots) {
      n += slot.crashed ? 0 : 1;
    }
    return n;
  }

  private void clientRequest() {
    Slot slot = randomLive();
    String node = nodes.get(random.nextInt(nodes.size()));
    String label = labels.get(node);
    double r = random.nextDouble();
    String what = "request on " + label;
    String event = null;
    try {
      ActionHandle handle;
      if (r < 0.7) {
        String verb = verbFor(node);
        what = "provision " + label + " " + verb;
        event = ProvisionMachine.eventForVerb(verb).map(e -> e.value()).orElse(verb);
        handle = slot.conductor.provision(node, ProvisionRequest.of(verb));
      } else if (r < 0.8) {
        what = "continue " + label;
        event = "resume";
        handle = slot.conductor.continueNode(node);
      } else {
        String target = random.nextBoolean() ? "power on" : "power off";
        what = "power " + label + " " + target;
        handle = slot.conductor.power(node, target, null);
      }
      Node applied = handle.applied();
      if (slot.crashed) {
        trace.add("#" + step + " " + slot.name + " " + what + " -> acknowledged, then crashed");
      } else {
        trace.add("#" + step + " " + slot.name + " " + what + " -> " + describe(applied));
      }
      if (event != null) {
        acks.add(new Ack(node, event, applied.provisionState(), step));
      }
    } catch (Fiber.Crash crash) {
      trace.add("#" + step + " " + slot.name + " request crashed: " + crash.getMessage());
    } catch (FerrumException e) {
      trace.add("#" + step + " " + slot.name + " " + what + " refused: " + refusal(e));
    } catch (RuntimeException | Error e) {
      if (slot.crashed) {
        trace.add("#" + step + " " + slot.name + " request crashed: " + e);
      } else {
        fail("a request failed with " + e + " instead of a refusal the caller can act on");
      }
    }
  }

  /** Mostly a verb the node's state allows now; sometimes any verb (the refusal is checked too). */
  private String verbFor(String node) {
    if (random.nextInt(5) > 0) {
      String state = null;
      try (PreparedStatement statement =
          observer.prepareStatement("SELECT provision_state FROM nodes WHERE uuid = ?")) {
        statement.setString(1, node);
        try (ResultSet rows = statement.executeQuery()) {
          state = rows.next() ? rows.getString(1) : null;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("the simulation could not read its database", e);
      }
      if (state != null && ProvisionMachine.DEFINITION.hasState(state)) {
        Set<String> allowed = ProvisionMachine.DEFINITION.allowedEvents(state);
        List<String> verbs =
            VERBS.stream()
                .filter(
                    v ->
                        ProvisionMachine.eventForVerb(v)
                            .map(e -> allowed.contains(e.value()))
                            .orElse(false))
                .toList();
        if (!verbs.isEmpty()) {
          return verbs.get(random.nextInt(verbs.size()));
        }
      }
    }
    return VERBS.get(random.nextInt(VERBS.size()));
  }

  private static String describe(Node node) {
    return node.provisionState()
        + (node.targetProvisionState() == null ? "" : "->" + node.targetProvisionState())
        + (node.targetPowerState() == null ? "" : " power->" + node.targetPowerState());
  }

  private static String kind(FerrumException e) {
    return e.getClass().getSimpleName();
  }

  /**
   * A refusal for the trace: its class and message, with node UUIDs (new in every run) replaced by
   * the nodes' labels, so that a seed's trace reads the same in every run.
   */
  private String refusal(FerrumException e) {
    String message = e.getMessage();
    if (message == null) {
      return kind(e);
    }
    for (Map.Entry<String, String> node : labels.entrySet()) {
      message = message.replace(node.getKey(), node.getValue());
    }
    return kind(e) + ": " + message;
  }

  private void periodic() {
    Slot slot = randomLive();
    String kind = PERIODICS[random.nextInt(PERIODICS.length)];
    if (slot.periodics.containsKey(kind)) {
      trace.add("#" + step + " " + slot.name + " " + kind + " still running");
      return;
    }
    runPeriodic(slot, kind);
  }

  private void runPeriodic(Slot slot, String kind) {
    int started = step;
    Conductor conductor = slot.conductor;
    Fiber fiber =
        new Fiber(
            slot.name + "-" + kind,
            slot.index,
            () -> {
              String outcome;
              try {
                outcome =
                    switch (kind) {
                      case "heartbeat" -> {
                        conductor.heartbeat();
                        yield "ok";
                      }
                      case "takeover" -> "took " + conductor.takeOverDeadConductors();
                      case "recovery" -> {
                        int repaired = conductor.recoverReservations();
                        if (!slot.crashed && slot.conductor == conductor) {
                          slot.db.outcomesSettled();
                          slot.lastGoodRecoveryStart =
                              Math.max(slot.lastGoodRecoveryStart, started);
                        }
                        yield "repaired " + repaired;
                      }
                      case "timeouts" -> "timed out " + conductor.checkTimeouts();
                      default -> "changed " + conductor.syncPowerStates();
                    };
              } catch (FerrumException e) {
                outcome = "failed: " + kind(e);
              }
              if (slot.conductor == conductor && !slot.crashed) {
                trace.add("#" + step + " " + slot.name + " " + kind + " done: " + outcome);
              }
            });
    slot.periodics.put(kind, fiber);
    trace.add("#" + step + " " + slot.name + " " + kind);
    started(fiber);
    if (fiber.finished()) {
      slot.periodics.remove(kind, fiber);
    }
  }

  /** A fiber was just created: run it until it parks or ends. */
  void started(Fiber fiber) {
    fiber.resume();
    settle(fiber);
  }

  private void resumeParked(Fiber fiber) {
    parked.remove(fiber);
    Slot slot = slots[fiber.conductor];
    if (sim.dropJobChance > 0
        && fiber.label.contains("-job")
        && faults
        && random.nextDouble() < sim.dropJobChance) {
      trace.add("#" + step + " pool forgets " + fiber.label + " in " + fiber.parkedAt);
      dropped.add(fiber);
      slot.pool.forget();
      return;
    }
    trace.add("#" + step + " resume " + fiber.label + " in " + fiber.parkedAt);
    fiber.resume();
    settle(fiber);
    if (fiber.finished()) {
      slot.periodics.values().remove(fiber);
    }
  }

  /** A job's run threw: the job must handle everything itself, so that is a violation. */
  void jobEscaped(int conductor, String label, Throwable failure) {
    if (!slots[conductor].crashed && !(failure instanceof Fiber.Crash)) {
      fail(label + " let " + failure + " escape to the worker pool");
    }
  }

  private void settle(Fiber fiber) {
    if (!fiber.finished()) {
      parked.add(fiber);
    } else if (fiber.failure() != null && !slots[fiber.conductor].crashed) {
      fail(fiber.label + " ended with " + fiber.failure());
    }
  }

  // ---- faults ----

  private void crash(Slot slot, String where) {
    slot.crashed = true;
    slot.db.crash();
    trace.add("#" + step + " crash " + slot.name + " " + where);
    if (slot.db.owesOutcome()) {
      // A notification is emitted after its commit; a process that dies in between loses it, and
      // so does one that dies before it learned that a commit reported failed had landed.
      mayHaveLost.add(slot.name);
      trace.add("    " + slot.name + " died owing the notification of a commit it was told failed");
    }
    Fiber self = Fiber.current();
    for (Fiber fiber : new ArrayList<>(parked)) {
      if (fiber.conductor == slot.index && fiber != self) {
        parked.remove(fiber);
        fiber.kill();
      }
    }
    slot.periodics.clear();
  }

  private Slot slot(String name) {
    return slots[Integer.parseInt(name.substring(1))];
  }

  private void probe(TaskProbe.Point point, String conductor, String node, String purpose) {
    Slot slot = slot(conductor);
    if (slot.crashed) {
      throw new Fiber.Crash(conductor + " is dead");
    }
    if (faults && live() > 1 && random.nextDouble() < sim.crashChance) {
      crash(slot, "at " + point + " of " + purpose + " on " + labels.get(node));
      throw new Fiber.Crash(conductor + " crashed at " + point);
    }
  }

  /** Every hardware call passes here first: park, then crash, fail, hang or go on. */
  void driverCall(int conductor, String hardwareInterface, String what, String node) {
    Slot slot = slots[conductor];
    if (slot.crashed) {
      throw new Fiber.Crash(slot.name + " is dead");
    }
    Fiber fiber = Fiber.current();
    if (fiber != null) {
      fiber.parkedOn = node;
      fiber.parkedAt = what + (node == null ? "" : " " + labels.get(node));
      fiber.park();
      fiber.parkedOn = null;
    }
    if (!faults) {
      return;
    }
    double r = random.nextDouble();
    if (r < sim.crashChance && live() > 1) {
      crash(slot, "in driver call " + what + " on " + labels.get(node));
      throw new Fiber.Crash(slot.name + " crashed in " + what);
    }
    r -= sim.crashChance;
    if (r < sim.driverFailureChance) {
      trace.add("#" + step + " " + slot.name + " " + what + " fails");
      throw new DriverException("simulated: the BMC refused " + what);
    }
    r -= sim.driverFailureChance;
    if (r < sim.hangChance) {
      Duration deadline = DEADLINES.getOrDefault(hardwareInterface, Duration.ofMinutes(30));
      trace.add(
          "#" + step + " " + slot.name + " " + what + " hangs " + deadline.toSeconds() + " s");
      passTime(deadline);
      throw new DriverTimeoutException(
          "simulated: the driver call " + what + " did not return within its deadline");
    }
  }

  /**
   * Moves time on by {@code by}, one heartbeat interval at a time, with every live conductor
   * heartbeating at each (its heartbeat thread does not wait for a hung driver call).
   */
  private void passTime(Duration by) {
    Duration left = by;
    while (left.compareTo(Duration.ZERO) > 0) {
      Duration piece = left.compareTo(sim.heartbeatInterval) < 0 ? left : sim.heartbeatInterval;
      clock.advance(piece);
      left = left.minus(piece);
      for (Slot slot : slots) {
        if (!slot.crashed) {
          try {
            slot.conductor.heartbeat();
          } catch (FerrumException e) {
            // the database is down: this heartbeat is missed, as it would be
          }
        }
      }
    }
  }

  private void heard(Slot slot, Notification notification) {
    if (slot.crashed) {
      return;
    }
    String node = notification.nodeUuid();
    String label = labels.getOrDefault(node, node);
    String type = notification.eventType();
    String status = notification.status();
    String action = type.substring(0, type.length() - status.length() - 1);
    Map<String, Object> payload = notification.payload();
    trace.add(
        "    "
            + slot.name
            + " notifies "
            + label
            + " "
            + type.substring("baremetal.node.".length())
            + " "
            + payload.get("provision_state")
            + (payload.get("event") == null ? "" : " (" + payload.get("event") + ")"));
    String key = label + " " + action;
    if (status.equals("start")) {
      openStarts.computeIfAbsent(key, k -> new ArrayList<>()).add(slot.name);
    } else if (status.equals("end") || status.equals("error")) {
      List<String> open = openStarts.get(key);
      if (open != null) {
        open.remove(open.size() - 1);
        if (open.isEmpty()) {
          openStarts.remove(key);
        }
      }
    }
    Object event = payload.get("event");
    Object from = payload.get("previous_provision_state");
    Object to = payload.get("provision_state");
    if (event instanceof String e
        && from instanceof String f
        && to instanceof String t
        && ProvisionMachine.DEFINITION.hasState(f)
        && ProvisionMachine.DEFINITION.transitions(f, e).stream()
            .noneMatch(tr -> tr.to().equals(t))) {
      fail("node " + label + " moved from " + f + " to " + t + " on " + e + ": no such edge");
    }
    if (faults && random.nextDouble() < sim.sinkFailureChance) {
      trace.add("    the sink throws an Error");
      throw new AssertionError("simulated: the notification sink failed");
    }
  }

  private void fail(String what) {
    if (violation == null) {
      violation = what;
      trace.add("VIOLATION: " + what);
    }
  }

  // ---- invariants ----

  /** Reserved nodes by UUID: holder name. */
  private Map<String, String> reservations() {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement statement =
            observer.prepareStatement(
                "SELECT uuid, reservation FROM nodes WHERE reservation IS NOT NULL ORDER BY id");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        out.put(rows.getString(1), rows.getString(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the simulation could not read its database", e);
    }
    return out;
  }

  /** After every step: no live conductor holds a node with no job behind it past a recovery. */
  private void check() {
    Map<String, String> reserved = reservations();
    unbackedSince.keySet().retainAll(reserved.keySet());
    for (Map.Entry<String, String> entry : reserved.entrySet()) {
      String node = entry.getKey();
      Slot holder = slot(entry.getValue());
      if (holder.crashed || backed(holder, node)) {
        unbackedSince.remove(node);
        continue;
      }
      int since = unbackedSince.computeIfAbsent(node, n -> step);
      if (holder.lastGoodRecoveryStart > since) {
        fail(
            "node "
                + labels.get(node)
                + " is reserved by live conductor "
                + holder.name
                + " with no job behind it, although its reservation recovery ran since step "
                + since);
      }
    }
  }

  private boolean backed(Slot holder, String node) {
    for (Fiber fiber : parked) {
      if (fiber.conductor == holder.index && node.equals(fiber.parkedOn)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Faults off, the database up; every pending job runs to its end; time passes beyond the
   * heartbeat timeout and the callback timeout with every live conductor heartbeating, taking over,
   * recovering and checking timeouts; then nothing may be left reserved, open or lost.
   */
  private void quiesce() {
    faults = false;
    outage.clear();
    outageLeft = 0;
    trace.add("quiesce");
    for (int guard = 0; !parked.isEmpty() && violation == null; guard++) {
      if (guard > 10_000) {
        fail("jobs still pending after 10000 resumptions");
        return;
      }
      resumeParked(parked.get(0));
      step++;
    }
    int rounds = (int) (sim.heartbeatTimeout.toSeconds() / sim.heartbeatInterval.toSeconds()) + 3;
    for (int round = 0; round < rounds + 2 && violation == null; round++) {
      if (round == rounds) {
        clock.advance(sim.callbackTimeout);
      }
      passTime(sim.heartbeatInterval);
      for (Slot slot : slots) {
        for (String kind : List.of("heartbeat", "takeover", "recovery", "timeouts")) {
          if (!slot.crashed) {
            runPeriodic(slot, kind);
            step++;
            while (!parked.isEmpty()) {
              resumeParked(parked.get(0));
            }
          }
        }
      }
    }
    if (violation != null) {
      return;
    }
    Map<String, String> reserved = reservations();
    if (!reserved.isEmpty()) {
      fail(
          "at quiescence, nodes are still reserved: "
              + reserved.entrySet().stream()
                  .map(e -> labels.get(e.getKey()) + " by " + e.getValue())
                  .collect(Collectors.joining(", ")));
      return;
    }
    openStarts.values().forEach(open -> open.removeIf(mayHaveLost::contains));
    openStarts.values().removeIf(List::isEmpty);
    if (!openStarts.isEmpty()) {
      fail("at quiescence, start notifications have no end or error: " + openStarts);
      return;
    }
    checkStates();
    checkAcks();
  }

  private void checkStates() {
    try (PreparedStatement statement =
            observer.prepareStatement("SELECT uuid, provision_state FROM nodes ORDER BY id");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next() && violation == null) {
        if (WORKING.contains(rows.getString(2))) {
          fail(
              "at quiescence, node "
                  + labels.get(rows.getString(1))
                  + " rests in working state "
                  + rows.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the simulation could not read its database", e);
    }
  }

  private void checkAcks() {
    for (Ack ack : acks) {
      if (violation != null) {
        return;
      }
      try (PreparedStatement statement =
          observer.prepareStatement(
              "SELECT COUNT(*) FROM node_history h JOIN nodes n ON h.node_id = n.id"
                  + " WHERE n.uuid = ? AND h.event = ? AND h.to_state = ?")) {
        statement.setString(1, ack.node());
        statement.setString(2, ack.event());
        statement.setString(3, ack.state());
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          if (rows.getLong(1) == 0) {
            fail(
                "the change acknowledged at step "
                    + ack.step()
                    + " ("
                    + labels.get(ack.node())
                    + " "
                    + ack.event()
                    + " to "
                    + ack.state()
                    + ") is not in the node's history");
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("the simulation could not read its database", e);
      }
    }
  }
}
