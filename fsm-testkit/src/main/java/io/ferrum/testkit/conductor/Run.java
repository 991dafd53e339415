package io.ferrum.testkit.conductor;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.DatabaseException;
import io.ferrum.conductor.FerrumException;
import io.ferrum.conductor.HistoryEvent;
import io.ferrum.conductor.InvalidStateRequestedException;
import io.ferrum.conductor.LockLostException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeNotFoundException;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.Notification;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.driver.HardwareType;
import io.ferrum.faults.FaultyDataSource;
import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import io.ferrum.testkit.Violation;
import io.ferrum.testkit.internal.DriverInfoCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/** One run: a fresh database and conductor, the operations in rounds, then the invariants. */
final class Run {

  static final String REFUSED = "refused requests change nothing";
  static final String MACHINE = "the machine decides which verbs are accepted";
  static final String FREE = "a free node is never busy";
  static final String ENDS = "every accepted request ends";
  static final String EXCEPTIONS = "requests fail only with the conductor's exceptions";
  static final String LOCKS = "no node stays locked";
  static final String NO_REPAIRS = "locks are released without repair";
  static final String RESTING = "no node rests in a working state";
  static final String START_END = "every start has its end or error";
  static final String NOTIFIED = "notifications follow the node";
  static final String TRANSITIONS = "state changes follow the machine";
  static final String HISTORY = "history matches the node's state";
  static final String LOST = "nothing is lost";

  static final List<String> CHECKS =
      List.of(
          REFUSED,
          MACHINE,
          FREE,
          ENDS,
          EXCEPTIONS,
          LOCKS,
          NO_REPAIRS,
          RESTING,
          START_END,
          NOTIFIED,
          TRANSITIONS,
          HISTORY,
          LOST);

  private static final MachineDefinition MACHINE_DEFINITION = ProvisionMachine.DEFINITION;

  /** What the check needs to know of its configuration. */
  record Setup(
      Function<ConductorWiring, Conductor.Builder> conductor,
      Supplier<ConductorCheck.Database> database,
      Supplier<? extends HardwareType> hardwareType,
      List<Map<String, Object>> driverInfos,
      int clients,
      Duration callDeadline,
      Duration jobWait) {}

  /** A node as a request found it and left it. */
  private record Snapshot(
      String state,
      String target,
      String power,
      String targetPower,
      boolean maintenance,
      String reservation,
      String lastError,
      String name,
      Map<String, Object> extra,
      int history,
      int notifications) {

    Snapshot withReservation(String value) {
      return new Snapshot(
          state,
          target,
          power,
          targetPower,
          maintenance,
          value,
          lastError,
          name,
          extra,
          history,
          notifications);
    }
  }

  private final Setup setup;
  private final List<Operation> ops;
  private final List<Violation> violations = new ArrayList<>();
  private final List<String> sequence;
  private final String nonce = UUID.randomUUID().toString().substring(0, 8);
  private final Map<Integer, String> uuids = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<Integer> created = ConcurrentSets.create();
  private final Set<Integer> maybeCreated = ConcurrentSets.create();
  private final Set<Integer> deleted = ConcurrentSets.create();
  private final Set<Integer> stuckClients = new HashSet<>();
  private final Set<Integer> maybeDeleted = ConcurrentSets.create();
  private final java.util.concurrent.atomic.AtomicInteger refusalsJudged =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger verbsJudged =
      new java.util.concurrent.atomic.AtomicInteger();
  private FaultyDataSource database;
  private FaultyHardware hardware;
  private RecordingSink sink;
  private Conductor conductor;

  Run(Setup setup, List<Operation> ops) {
    this.setup = setup;
    this.ops = List.copyOf(ops);
    this.sequence = this.ops.stream().map(Operation::toString).toList();
  }

  /** Runs the operations and checks; returns the violations found (empty: passed). */
  List<Violation> execute() {
    ConductorCheck.Database db = setup.database().get();
    List<ExecutorService> clients = new ArrayList<>();
    try {
      database = new FaultyDataSource(db.dataSource());
      HardwareType type =
          Objects.requireNonNull(
              setup.hardwareType().get(), "the hardware type supplier gave null");
      hardware = new FaultyHardware(type, setup.callDeadline().multipliedBy(4));
      sink = new RecordingSink();
      ConductorWiring wiring =
          new ConductorWiring(database, sink, hardware, "check-" + nonce, setup.callDeadline());
      conductor = setup.conductor().apply(wiring).build();
      // The conductor has configured the hardware type with its settings: the check's own
      // validation now sees what node creation and manage will.
      DriverInfoCheck.requireOneAccepted(
          type, setup.driverInfos(), "ConductorCheck.hardwareType(type, driverInfos)");
      for (int i = 0; i < setup.clients(); i++) {
        int index = i;
        clients.add(
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread thread = new Thread(r, "conductor-check-client-" + index);
                  thread.setDaemon(true);
                  return thread;
                }));
      }
      for (List<Operation> round : rounds()) {
        runRound(round, clients);
      }
      quiesceAndCheck();
    } finally {
      for (ExecutorService client : clients) {
        client.shutdownNow();
      }
      if (conductor != null) {
        database.clearFaults();
        database.setDown(false);
        hardware.clearFaults();
        sink.clearFaults();
        try {
          conductor.close();
        } catch (RuntimeException e) {
          violate(EXCEPTIONS, null, "Conductor.close() threw " + e);
        }
      }
      db.close();
    }
    return violations;
  }

  /** What a finished run covered, for the report. */
  Stats stats() {
    return new Stats(
        ops.size(),
        refusalsJudged.get(),
        verbsJudged.get(),
        database == null ? 0 : database.injected(),
        hardware == null ? 0 : hardware.struck(),
        sink == null ? 0 : sink.struck());
  }

  /** What runs covered: operations, judgements made, faults that struck. */
  record Stats(
      int operations,
      int refusalsJudged,
      int verbsJudged,
      int databaseFaults,
      int driverFaults,
      int sinkFaults) {

    static final Stats NONE = new Stats(0, 0, 0, 0, 0, 0);

    Stats plus(Stats other) {
      return new Stats(
          operations + other.operations,
          refusalsJudged + other.refusalsJudged,
          verbsJudged + other.verbsJudged,
          databaseFaults + other.databaseFaults,
          driverFaults + other.driverFaults,
          sinkFaults + other.sinkFaults);
    }
  }

  private List<List<Operation>> rounds() {
    List<List<Operation>> rounds = new ArrayList<>();
    List<Operation> round = new ArrayList<>();
    Set<Integer> clientsInRound = new HashSet<>();
    for (Operation op : ops) {
      if (!clientsInRound.add(op.client())) {
        rounds.add(round);
        round = new ArrayList<>();
        clientsInRound.clear();
        clientsInRound.add(op.client());
      }
      round.add(op);
    }
    if (!round.isEmpty()) {
      rounds.add(round);
    }
    return rounds;
  }

  private void runRound(List<Operation> round, List<ExecutorService> clients) {
    boolean periodic = round.stream().anyMatch(op -> op.kind() == Operation.Kind.PERIODIC);
    Map<Integer, Integer> perNode = new HashMap<>();
    for (Operation op : round) {
      if (op.kind().onNode || op.kind() == Operation.Kind.CREATE) {
        perNode.merge(op.node(), 1, Integer::sum);
      }
      if (op.kind() == Operation.Kind.RENAME) {
        perNode.merge(op.arg(), 1, Integer::sum);
      }
    }
    List<Future<?>> running = new ArrayList<>();
    List<Operation> started = new ArrayList<>();
    for (Operation op : round) {
      if (stuckClients.contains(op.client())) {
        continue; // its thread still waits for an earlier request
      }
      boolean alone = !periodic && op.kind().onNode && perNode.get(op.node()) == 1;
      if (op.kind() == Operation.Kind.RENAME && op.arg() != op.node()) {
        alone = alone && perNode.get(op.arg()) == 1;
      }
      boolean judged = alone;
      running.add(clients.get(op.client()).submit(() -> perform(op, judged)));
      started.add(op);
    }
    long deadline = System.nanoTime() + setup.jobWait().multipliedBy(3).toNanos();
    for (int i = 0; i < running.size(); i++) {
      try {
        running.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        stuckClients.add(started.get(i).client());
        violate(ENDS, null, "request \"" + started.get(i) + "\" did not return");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        violate(EXCEPTIONS, null, "\"" + started.get(i) + "\" broke the check: " + e.getCause());
      }
    }
  }

  private String uuid(int node) {
    return uuids.computeIfAbsent(
        node, n -> UUID.nameUUIDFromBytes((nonce + "/" + n).getBytes()).toString());
  }

  private void perform(Operation op, boolean judged) {
    switch (op.kind()) {
      case DRIVER_FAILS, DRIVER_HANGS -> {
        String call = op.driverCall();
        hardware.failNext(
            call.equals("any call") ? c -> !c.endsWith(".validate") : call::equals,
            op.driverFailure(),
            1);
        return;
      }
      case DATABASE_FAILS -> {
        String start = op.statement();
        database.fail(sql -> sql.startsWith(start), op.when(), 1);
        return;
      }
      case SINK_FAILS -> {
        sink.failNext(
            op.arg() == 0 ? RecordingSink.Failure.RUNTIME_EXCEPTION : RecordingSink.Failure.ERROR);
        return;
      }
      default -> {}
    }
    String uuid = uuid(op.node());
    int databaseFaultsBefore = database.injected();
    Snapshot before = judged ? snapshot(uuid) : null;
    Throwable failure = null;
    ActionHandle handle = null;
    try {
      handle = call(op, uuid);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    if (handle != null) {
      try {
        handle.await(setup.jobWait());
      } catch (TimeoutException e) {
        violate(
            ENDS,
            stateOf(uuid),
            "the work of \"" + op + "\" did not end within " + setup.jobWait());
      } catch (java.util.concurrent.ExecutionException e) {
        // The work failed; the node shows it, the invariants judge it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    record(op, failure);
    if (failure != null && !(failure instanceof FerrumException)) {
      violate(EXCEPTIONS, null, "\"" + op + "\" threw " + describe(failure));
      return;
    }
    if (before == null) {
      return;
    }
    boolean refused = isRefusal(failure);
    if (refused) {
      refusalsJudged.incrementAndGet();
      Snapshot after = snapshot(uuid);
      if (after != null && database.injected() != databaseFaultsBefore) {
        // A database fault struck meanwhile, maybe the release of the refused request's lock:
        // the reservation is left to recovery, which the final checks judge.
        after = after.withReservation(before.reservation());
      }
      if (after != null && !after.equals(before)) {
        violate(
            REFUSED,
            before.state(),
            "\""
                + op
                + "\" was refused ("
                + describe(failure)
                + ") but changed the node from "
                + before
                + " to "
                + after);
      }
    }
    if (failure instanceof io.ferrum.conductor.NodeLockedException
        && before.reservation() == null) {
      violate(
          FREE,
          before.state(),
          "\""
              + op
              + "\" found the node busy, though no lock was held on it and no other"
              + " request touched it: "
              + failure.getMessage());
    }
    String event = eventOf(op);
    if (event != null && before.reservation() == null && (failure == null || refused)) {
      verbsJudged.incrementAndGet();
      boolean allowed = MACHINE_DEFINITION.allowedEvents(before.state()).contains(event);
      String request = "\"" + op + "\" (event " + event + ") was ";
      String where = " in state \"" + before.state() + "\", where the machine ";
      if (failure == null && !allowed) {
        violate(MACHINE, before.state(), request + "accepted" + where + "has no such transition");
      } else if (failure instanceof InvalidStateRequestedException && allowed) {
        violate(
            MACHINE,
            before.state(),
            request + "refused" + where + "allows it: " + failure.getMessage());
      }
    }
  }

  private static String eventOf(Operation op) {
    if (op.kind() == Operation.Kind.CONTINUE) {
      return "resume";
    }
    return ProvisionMachine.eventForVerb(op.kind().label).map(e -> e.value()).orElse(null);
  }

  private static boolean isRefusal(Throwable failure) {
    if (!(failure instanceof FerrumException ferrum)
        || failure instanceof DatabaseException
        || failure instanceof LockLostException) {
      return false;
    }
    return switch (ferrum.kind()) {
      case INVALID, FORBIDDEN, NOT_FOUND, CONFLICT -> true;
      default -> failure instanceof io.ferrum.conductor.NoFreeWorkerException;
    };
  }

  private ActionHandle call(Operation op, String uuid) {
    switch (op.kind()) {
      case CREATE -> {
        Map<String, Object> info = setup.driverInfos().get(op.arg() % setup.driverInfos().size());
        conductor.createNode(
            new NodeSpec(
                uuid, "n" + op.node(), hardware.name(), info, null, null, null, null, null));
        return null;
      }
      case CONTINUE -> {
        return conductor.continueNode(uuid);
      }
      case POWER_ON, POWER_OFF, REBOOT -> {
        return conductor.power(uuid, op.kind().label, null);
      }
      case PATCH -> {
        conductor.updateNode(uuid, List.of(PatchOperation.add("/extra/step", op.toString())));
        return null;
      }
      case RENAME -> {
        conductor.updateNode(uuid, List.of(PatchOperation.replace("/name", "n" + op.arg())));
        return null;
      }
      case BAD_PATCH -> {
        conductor.updateNode(uuid, List.of(PatchOperation.replace("/provision_state", "active")));
        return null;
      }
      case MAINTENANCE_ON, MAINTENANCE_OFF -> {
        conductor.updateNode(
            uuid,
            List.of(
                PatchOperation.replace(
                    "/maintenance", op.kind() == Operation.Kind.MAINTENANCE_ON)));
        return null;
      }
      case DELETE -> {
        conductor.deleteNode(uuid);
        return null;
      }
      case PERIODIC -> {
        conductor.heartbeat();
        conductor.recoverReservations();
        conductor.checkTimeouts();
        conductor.syncPowerStates();
        return null;
      }
      case RESCUE -> {
        return conductor.provision(uuid, new ProvisionRequest("rescue", null, null, "rescue-pass"));
      }
      default -> {
        return conductor.provision(uuid, ProvisionRequest.of(op.kind().label));
      }
    }
  }

  private void record(Operation op, Throwable failure) {
    if (op.kind() == Operation.Kind.CREATE) {
      if (failure == null) {
        created.add(op.node());
      } else if (!isRefusal(failure)) {
        maybeCreated.add(op.node());
      }
    } else if (op.kind() == Operation.Kind.DELETE) {
      if (failure == null) {
        deleted.add(op.node());
      } else if (!isRefusal(failure)) {
        maybeDeleted.add(op.node());
      }
    }
  }

  private Snapshot snapshot(String uuid) {
    try {
      Node node = conductor.getNode(uuid);
      return new Snapshot(
          node.provisionState(),
          node.targetProvisionState(),
          node.powerState(),
          node.targetPowerState(),
          node.maintenance(),
          node.reservation(),
          node.lastError(),
          node.name(),
          node.extra(),
          conductor.history(uuid).size(),
          sink.count(uuid));
    } catch (RuntimeException e) {
      return null; // gone, or a database fault struck the read: nothing to judge by
    }
  }

  private String stateOf(String uuid) {
    try {
      return conductor.getNode(uuid).provisionState();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private synchronized void violate(String check, String state, String message) {
    violations.add(new Violation(check, state, message, sequence));
  }

  private static String describe(Throwable failure) {
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  // ---- after the last round ----

  private void quiesceAndCheck() {
    database.clearFaults();
    hardware.clearFaults();
    sink.clearFaults();
    long deadline = System.nanoTime() + setup.jobWait().toNanos();
    while (conductor.workers().active() > 0) {
      if (System.nanoTime() > deadline) {
        violate(
            ENDS,
            null,
            conductor.workers().active()
                + " job(s) still running after the last"
                + " request, "
                + setup.jobWait()
                + " later");
        break;
      }
      sleep(5);
    }
    boolean databaseFaults = database.injected() > 0;
    try {
      conductor.recoverReservations();
    } catch (RuntimeException e) {
      violate(EXCEPTIONS, null, "reservation recovery threw " + describe(e));
    }
    if (!databaseFaults && conductor.nodesRepaired() > 0) {
      violate(
          NO_REPAIRS,
          null,
          "no database fault struck, yet reservation recovery repaired "
              + conductor.nodesRepaired()
              + " node(s): a job left its node locked or working");
    }
    for (int index : uuids.keySet().stream().sorted().toList()) {
      checkNode(index, uuid(index));
    }
  }

  private void checkNode(int index, String uuid) {
    String label = "n" + index;
    Node node;
    try {
      node = conductor.getNode(uuid);
    } catch (NodeNotFoundException e) {
      node = null;
    }
    boolean mustExist =
        created.contains(index) && !deleted.contains(index) && !maybeDeleted.contains(index);
    if (node == null) {
      if (mustExist) {
        violate(LOST, null, "node " + label + " was created and never deleted, but is gone");
      }
      if (created.contains(index) || maybeCreated.contains(index)) {
        checkNotifications(label, sink.forNode(uuid), null);
      }
      return;
    }
    if (deleted.contains(index)) {
      violate(LOST, node.provisionState(), "node " + label + " was deleted, but is still there");
    }
    String state = node.provisionState();
    if (node.reservation() != null) {
      violate(
          LOCKS,
          state,
          "node "
              + label
              + " is still locked by "
              + node.reservation()
              + " after every job ended and recovery ran");
    }
    if (ProvisionState.fromValue(state)
        .map(ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL::contains)
        .orElse(false)) {
      violate(
          RESTING,
          state,
          "node " + label + " rests in working state \"" + state + "\" with no job behind it");
    }
    if (node.targetPowerState() != null) {
      violate(
          RESTING,
          state,
          "node "
              + label
              + " has a pending power change to \""
              + node.targetPowerState()
              + "\" with no job behind it");
    }
    checkHistory(label, state, conductor.history(uuid));
    checkNotifications(label, sink.forNode(uuid), state);
  }

  private void checkHistory(String label, String state, List<HistoryEvent> history) {
    String current = null;
    for (HistoryEvent row : history) {
      if (!Set.of("provisioning", "fault").contains(row.eventType()) || row.toState() == null) {
        continue;
      }
      if (row.event() != null
          && MACHINE_DEFINITION.transitions(row.fromState(), row.event()).stream()
              .noneMatch(t -> t.to().equals(row.toState()))) {
        violate(
            TRANSITIONS,
            row.fromState(),
            "node "
                + label
                + " went from \""
                + row.fromState()
                + "\" to \""
                + row.toState()
                + "\" on event \""
                + row.event()
                + "\": no such transition in the machine");
      }
      if (current != null && row.fromState() != null && !row.fromState().equals(current)) {
        violate(
            HISTORY,
            row.fromState(),
            "node "
                + label
                + "'s history jumps from \""
                + current
                + "\" to a change that starts in \""
                + row.fromState()
                + "\"");
      }
      current = row.toState();
    }
    String expected = current != null ? current : MACHINE_DEFINITION.initialState();
    if (!expected.equals(state)) {
      violate(
          HISTORY,
          state,
          "node "
              + label
              + " is in \""
              + state
              + "\" but its history ends in \""
              + expected
              + "\"");
    }
  }

  /**
   * Each provision change follows from the one before (none lost, none twice), the last ends where
   * the node is, every start has its end or error (unless the node waits in a transient state), and
   * every power start has exactly one end or error.
   */
  private void checkNotifications(String label, List<Notification> notifications, String state) {
    String current = null;
    boolean provisionOpen = false;
    boolean powerOpen = false;
    for (Notification n : notifications) {
      String action = n.eventType().replace("baremetal.node.", "");
      action = action.substring(0, action.lastIndexOf('.'));
      if (action.equals("provision_set")) {
        Object previous = n.payload().get("previous_provision_state");
        if (previous != null && current != null && !previous.equals(current)) {
          violate(
              NOTIFIED,
              current,
              "node "
                  + label
                  + ": "
                  + n.eventType()
                  + " from \""
                  + previous
                  + "\" follows a change to \""
                  + current
                  + "\" (lost or repeated)");
        }
        if (previous != null) {
          current = (String) n.payload().get("provision_state");
        }
        switch (n.status()) {
          case "start" -> provisionOpen = true;
          case "end", "error" -> provisionOpen = false;
          default -> {}
        }
      } else if (action.equals("power_set")) {
        switch (n.status()) {
          case "start" -> {
            if (powerOpen) {
              violate(START_END, null, "node " + label + ": power_set.start while another runs");
            }
            powerOpen = true;
          }
          case "end", "error" -> {
            if (!powerOpen) {
              violate(
                  START_END,
                  null,
                  "node " + label + ": power_set." + n.status() + " without its start");
            }
            powerOpen = false;
          }
          default -> {}
        }
      }
    }
    if (powerOpen) {
      violate(START_END, null, "node " + label + ": power_set.start without end or error");
    }
    if (state == null) {
      return;
    }
    if (provisionOpen && MACHINE_DEFINITION.isStable(state)) {
      violate(
          START_END,
          state,
          "node "
              + label
              + ": provision_set.start without end or error,"
              + " and the node rests in \""
              + state
              + "\"");
    }
    if (current != null && !current.equals(state)) {
      violate(
          NOTIFIED,
          state,
          "node "
              + label
              + " is in \""
              + state
              + "\" but its last provision notification says \""
              + current
              + "\"");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Thread-safe sets. */
  private static final class ConcurrentSets {
    static <T> Set<T> create() {
      return java.util.concurrent.ConcurrentHashMap.newKeySet();
    }
  }
}
