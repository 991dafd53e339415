package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.HardwareType;
import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.InvalidTransitionException;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.PowerState;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import io.ferrum.fsm.StateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything done to one node happens inside a task: {@code try (Task task = tasks.acquire(node,
 * purpose, EXCLUSIVE)) { ... }}.
 *
 * <p>An {@link LockMode#EXCLUSIVE exclusive} task holds the node's reservation in the database from
 * {@link TaskManager#acquire} until it is released: by {@link #close()}, or, once the task was
 * {@link #handOff() handed off}, by its worker's job when the job ends, whatever happens in it.
 *
 * <h2>Asynchronous work: spawnAfter, then handOff (DESIGN.md steps 1-5, seed 004)</h2>
 *
 * <ol>
 *   <li>On the request thread, {@link #spawnAfter} checks the event against the machine (an event
 *       not allowed fails at once with {@link InvalidStateRequestedException}) and records it with
 *       its work. <b>Nothing about the node changes.</b>
 *   <li>{@link #handOff()} submits one job to the worker pool. If no worker is free, it throws
 *       {@link NoFreeWorkerException}; the task still owns the reservation and {@code close()}
 *       releases it, leaving the node exactly as it was.
 *   <li>The job's first step, on the worker thread, is post-process-event: apply the event, persist
 *       state, target, {@code provision_updated_at} and a history row in one transaction, then emit
 *       the {@code start} notification. Then it runs the work.
 *   <li>The reservation belongs to the job from the moment it is submitted; the job releases it in
 *       its {@code finally}.
 *   <li>{@code handOff()} returns only once post-process-event has committed, so a caller who reads
 *       the node next sees the transient state and its target. If that commit fails, {@code
 *       handOff()} throws and nothing changed.
 * </ol>
 *
 * <h2>Failure inside the work (seeds 000 and 001)</h2>
 *
 * <p>The request has returned long before the work fails, so the job handles every {@link
 * Throwable} itself: the node takes its machine's {@code fail} edge (for power work: {@code
 * power_state} becomes what the driver observes, or {@code error}, and {@code target_power_state}
 * is cleared), {@code last_error} gets a short reason, a fault record is written to history, the
 * {@code error} notification is emitted, and the reservation is released. Work that already moved
 * the node along {@code fail} itself is not handled twice. If the handling itself fails (database
 * down), that is logged and the node is left for periodic recovery.
 *
 * <p>Not thread-safe: a task is used by one thread at a time; handing it off passes it to the
 * worker, after which the request thread may only call {@code close()}.
 */
public final class Task implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Task.class);
  private static final int MAX_ERROR_LENGTH = 2000;

  /** The work a task runs in its worker, after its event was applied. */
  @FunctionalInterface
  public interface Work {
    /**
     * Does the work. May fire follow-up events with {@link Task#processEvent(String)}; may throw
     * anything, which the job handles.
     *
     * @param task the task, now owned by the worker thread
     * @param applied the transition post-process-event applied
     */
    void run(Task task, FiredTransition applied) throws Exception;
  }

  private sealed interface Pending permits ProvisionPending, PowerPending {
    Work work();
  }

  private record ProvisionPending(String event, String targetOverride, Work work)
      implements Pending {}

  private record PowerPending(PowerRequest request, Work work) implements Pending {}

  private final ConductorContext ctx;
  private final String purpose;
  private LockMode mode;
  private Node node;
  private Pending pending;
  private volatile boolean handedOff;
  private boolean failureHandled;

  Task(ConductorContext ctx, Node node, String purpose, LockMode mode) {
    this.ctx = ctx;
    this.node = node;
    this.purpose = purpose;
    this.mode = mode;
  }

  /** The node as this task last read or wrote it. */
  public Node node() {
    return node;
  }

  /** What this task is for, as shown in logs and lock messages. */
  public String purpose() {
    return purpose;
  }

  /** The current lock mode. */
  public LockMode mode() {
    return mode;
  }

  /** The node's hardware type. */
  public HardwareType driver() {
    return ctx.drivers.require(node.driver());
  }

  /** What the driver sees of the node now. */
  public DriverNode driverNode() {
    return new DriverNode(
        node.uuid(),
        node.name(),
        node.driver(),
        node.driverInfo(),
        node.instanceInfo(),
        node.properties());
  }

  /**
   * Turns a shared task into an exclusive one, with the same retries as {@link
   * TaskManager#acquire}, and reloads the node. Does nothing if already exclusive.
   *
   * @throws NodeLockedException if the node stays reserved by someone else
   */
  public void upgradeLock() {
    if (mode == LockMode.EXCLUSIVE) {
      return;
    }
    node = TaskManager.reserve(ctx, node, purpose);
    mode = LockMode.EXCLUSIVE;
  }

  /**
   * Records a provision event to apply in a worker, and the work to run after it. Nothing changes
   * until {@link #handOff()}.
   *
   * @param event the machine event
   * @param targetOverride a stable state to aim at instead of the default, or {@code null}
   * @throws InvalidStateRequestedException if the machine does not allow {@code event} now
   */
  public void spawnAfter(String event, String targetOverride, Work work) {
    requireExclusive();
    try {
      provisionInstance().dryRun(event, targetOverride);
    } catch (InvalidTransitionException e) {
      throw invalidState(event, e);
    }
    pending = new ProvisionPending(event, targetOverride, work);
  }

  /**
   * Records a power request to apply in a worker, and the work to run after it.
   *
   * @throws InvalidStateRequestedException if the power machine does not allow it now
   */
  public void spawnPowerAfter(PowerRequest request, Work work) {
    requireExclusive();
    MachineInstance power = PowerMachine.instance(currentPower());
    if (!power.canFire(request.event())) {
      throw new InvalidStateRequestedException(
          "The requested power change \""
              + request.apiTarget()
              + "\" can not be performed on node \""
              + node.label()
              + "\" while its power state is \""
              + power.state()
              + "\".");
    }
    pending = new PowerPending(request, work);
  }

  /**
   * Hands the spawned work to a worker and waits until the worker has applied and committed the
   * event. From here on the job owns the reservation; {@link #close()} leaves it alone.
   *
   * @return the handle with both moments
   * @throws NoFreeWorkerException if no worker is free; the node is untouched and {@code close()}
   *     releases it
   * @throws DatabaseException if the worker could not commit the event; nothing changed
   */
  public ActionHandle handOff() {
    requireExclusive();
    if (pending == null) {
      throw new IllegalStateException("handOff() without spawnAfter()");
    }
    Pending job = pending;
    pending = null;
    CompletableFuture<Node> applied = new CompletableFuture<>();
    CompletableFuture<Node> done = new CompletableFuture<>();
    handedOff = true;
    try {
      ctx.pool.submit(() -> runJob(job, applied, done));
    } catch (RuntimeException e) {
      handedOff = false;
      throw e;
    }
    try {
      return new ActionHandle(applied.join(), done);
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FerrumException ferrum) {
        throw ferrum;
      }
      throw new DatabaseException("Could not apply the event: " + cause, cause);
    }
  }

  /**
   * Fires {@code event} now, on this thread, under the exclusive lock: persists the new state,
   * target and a history row in one transaction, then emits the notification. A target aimed at by
   * an earlier override (manual cleaning aims at {@code manageable}) is kept through transient
   * states.
   *
   * @throws InvalidStateRequestedException if the machine does not allow it
   */
  public FiredTransition processEvent(String event) {
    return applyProvisionEvent(event, null, false, null, null, null);
  }

  /**
   * Fires {@code event} as {@link #processEvent(String)} does, storing the power state just read
   * from the hardware ({@code null} for unknown) in the same write: the usual end of work that
   * changed the power, in one statement instead of two.
   *
   * @throws InvalidStateRequestedException if the machine does not allow it
   */
  public FiredTransition processEvent(String event, DriverPowerState observedPower) {
    Map<String, Object> power = new HashMap<>();
    power.put("power_state", powerValue(observedPower));
    return applyProvisionEvent(event, null, false, null, null, power);
  }

  /**
   * Moves the node along {@code fail} with {@code reason} as {@code last_error}, from inside work
   * that handles its own failure; the job will then not handle it again.
   */
  public FiredTransition fail(String reason) {
    failureHandled = true;
    return applyProvisionEvent("fail", null, false, reason, null, null);
  }

  /** Stores a power state read from the hardware ({@code null} for unknown). */
  public void recordPowerState(DriverPowerState observed) {
    update(Map.of("power_state", powerValue(observed)));
  }

  /**
   * Stores the power state the periodic sync read from the hardware: a history row and the {@code
   * baremetal.node.power_state_corrected.success} notification.
   */
  void correctPowerState(String actual) {
    String from = node.powerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", actual);
    write(
        "correct power state of",
        columns,
        ctx.history(
            "power",
            "power_state_corrected",
            from,
            actual,
            null,
            "INFO",
            "Power state corrected from \""
                + from
                + "\" to \""
                + actual
                + "\" (read from the hardware)",
            null,
            null));
    Map<String, Object> extra = new HashMap<>();
    extra.put("from_power", from);
    ctx.notify("power_state_corrected", "success", node, extra);
  }

  /** Records that the power sync pushed the stored power state back to the hardware. */
  void recordPowerEnforced(String hardwareSaid) {
    write(
        "record power enforcement on",
        new HashMap<>(),
        ctx.history(
            "power",
            "power_state_enforced",
            hardwareSaid,
            node.powerState(),
            null,
            "INFO",
            "The hardware said \""
                + hardwareSaid
                + "\"; the stored \""
                + node.powerState()
                + "\" was pushed back",
            null,
            null));
  }

  /** Puts the node in maintenance with a fault, recording why (power sync gave up). */
  void maintenanceForFault(String fault, String reason, Throwable failure) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("maintenance", true);
    columns.put("maintenance_reason", reason);
    columns.put("fault", fault);
    columns.put("power_state", null);
    columns.put("last_error", reason);
    write(
        "put in maintenance",
        columns,
        ctx.history(
            "fault",
            null,
            node.provisionState(),
            node.provisionState(),
            null,
            "ERROR",
            reason,
            failure,
            null));
    ctx.notify("maintenance_set", "end", node, Map.of());
  }

  /** Merges {@code values} into the node's properties. */
  public void mergeProperties(Map<String, Object> values) {
    Map<String, Object> merged = new LinkedHashMap<>(node.properties());
    merged.putAll(values);
    update(Map.of("properties", merged));
  }

  /** Releases the reservation unless the task was handed off; idempotent. */
  @Override
  public void close() {
    if (handedOff) {
      return;
    }
    pending = null;
    releaseLock();
  }

  // ---- the job, on the worker thread ----

  private void runJob(Pending job, CompletableFuture<Node> applied, CompletableFuture<Node> done) {
    Throwable failure = null;
    try {
      FiredTransition transition;
      try {
        transition = postProcessEvent(job);
      } catch (Throwable t) {
        applied.completeExceptionally(t);
        failure = t;
        return;
      }
      applied.complete(node);
      try {
        job.work().run(this, transition);
      } catch (Throwable t) {
        handleFailure(job, t);
        failure = t;
      }
    } finally {
      releaseLock();
      // Completed only now, so whoever waits for the work sees the node released.
      if (failure == null) {
        done.complete(node == null ? null : node.withReservation(null));
      } else {
        done.completeExceptionally(failure);
      }
    }
  }

  private FiredTransition postProcessEvent(Pending job) {
    if (job instanceof ProvisionPending p) {
      return applyProvisionEvent(p.event(), p.targetOverride(), true, null, null, null);
    }
    PowerPending p = (PowerPending) job;
    MachineInstance power = PowerMachine.instance(currentPower());
    FiredTransition fired = power.fire(p.request().event());
    String target = p.request().targetPowerState().value();
    Node before = node;
    Map<String, Object> columns = new HashMap<>();
    columns.put("target_power_state", target);
    columns.put("last_error", null);
    columns.put("conductor_affinity", ctx.name);
    write(
        "start power change of",
        columns,
        ctx.history(
            "power",
            p.request().event(),
            before.powerState(),
            null,
            target,
            "INFO",
            "Power change to \"" + p.request().apiTarget() + "\" started",
            null,
            null));
    ctx.notify("power_set", "start", node, Map.of("to_power", target));
    return fired;
  }

  /** Called by power work when the hardware reached the requested state. */
  void finishPower(PowerRequest request, DriverPowerState observed) {
    String value = powerValue(observed);
    String from = node.powerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", value);
    columns.put("target_power_state", null);
    write(
        "finish power change of",
        columns,
        ctx.history("power", request.event(), from, value, null, "INFO", null, null, null));
    ctx.notify("power_set", "end", node, Map.of("to_power", request.targetPowerState().value()));
  }

  private void handleFailure(Pending job, Throwable failure) {
    String reason = truncate(purpose + " failed: " + describe(failure));
    LOG.warn("Node {}: {}", node.label(), reason, failure);
    try {
      long id = node.id();
      Node current = ctx.withHandle("reload node", h -> NodeStore.findById(h, id)).orElse(null);
      if (current == null) {
        LOG.warn(
            "Node {} deleted during failed work ({}); nothing to record", node.label(), purpose);
        return;
      }
      node = current;
      if (job instanceof PowerPending p) {
        failPower(p.request(), reason, failure);
      } else if (failureHandled) {
        LOG.info("Node {}: failure already handled by the work itself", node.label());
      } else if (provisionInstance().canFire("fail")) {
        applyProvisionEvent("fail", null, false, reason, failure, null);
      } else {
        recordFault(reason, failure);
      }
    } catch (Throwable handlingFailure) {
      LOG.error(
          "Node {}: could not record the failure of '{}' ({}); periodic recovery will find it",
          node.label(),
          purpose,
          reason,
          handlingFailure);
    }
  }

  private void failPower(PowerRequest request, String reason, Throwable failure) {
    String observed;
    try {
      observed = powerValue(driver().power().getPowerState(driverNode()));
    } catch (RuntimeException e) {
      observed = PowerState.ERROR.value();
    }
    String from = node.powerState();
    String to = observed;
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", to);
    columns.put("target_power_state", null);
    columns.put("last_error", reason);
    write(
        "record power failure of",
        columns,
        ctx.history("power", request.event(), from, to, null, "ERROR", reason, failure, null));
    ctx.notify("power_set", "error", node, Map.of("to_power", request.targetPowerState().value()));
  }

  private void recordFault(String reason, Throwable failure) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("last_error", reason);
    write(
        "record failure of",
        columns,
        ctx.history(
            "fault",
            null,
            node.provisionState(),
            node.provisionState(),
            node.targetProvisionState(),
            "ERROR",
            reason,
            failure,
            null));
    ctx.notify("provision_set", "error", node, Map.of("event", "fault"));
  }

  private FiredTransition applyProvisionEvent(
      String event,
      String override,
      boolean starting,
      String lastError,
      Throwable failure,
      Map<String, Object> alsoWrite) {
    requireExclusive();
    MachineInstance instance = provisionInstance();
    FiredTransition fired;
    try {
      fired = instance.fire(event, override != null ? override : carriedTarget(event));
    } catch (InvalidTransitionException e) {
      throw invalidState(event, e);
    }
    String target = ProvisionMachine.DEFINITION.isStable(fired.to()) ? null : fired.targetAfter();
    Node before = node;
    boolean failed = "fail".equals(event);
    Map<String, Object> columns = new HashMap<>();
    columns.put("provision_state", fired.to());
    columns.put("target_provision_state", target);
    columns.put("provision_updated_at", ctx.now());
    if (starting || lastError != null) {
      columns.put("last_error", lastError);
    }
    if (starting) {
      columns.put("conductor_affinity", ctx.name); // whose memory the work lives in
    }
    boolean waits =
        ProvisionState.fromValue(fired.to())
            .map(ProvisionMachine.WAIT_STATES::contains)
            .orElse(false);
    // Entering a wait state starts its timeout; leaving one ends it. Stored, so it survives us.
    columns.put("deadline_at", waits ? ctx.now().plus(ctx.callbackTimeout) : null);
    if (alsoWrite != null) {
      columns.putAll(alsoWrite);
    }
    write(
        "apply \"" + event + "\" to",
        columns,
        ctx.history(
            failed ? "fault" : "provisioning",
            event,
            fired.from(),
            fired.to(),
            target,
            failed ? "ERROR" : "INFO",
            lastError,
            failure,
            before.provisionUpdatedAt()));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("event", event);
    extra.put("previous_provision_state", before.provisionState());
    extra.put("previous_target_provision_state", before.targetProvisionState());
    ctx.notify("provision_set", provisionStatus(event, fired), node, extra);
    return fired;
  }

  /** Ironic's status rule: fail is error; stable to transient is start; back to stable is end. */
  private static String provisionStatus(String event, FiredTransition fired) {
    if ("fail".equals(event)) {
      return "error";
    }
    boolean fromStable = ProvisionMachine.DEFINITION.isStable(fired.from());
    boolean toStable = ProvisionMachine.DEFINITION.isStable(fired.to());
    if (fromStable && !toStable) {
      return "start";
    }
    if (!fromStable && toStable) {
      return "end";
    }
    return "success";
  }

  /**
   * The target to keep through {@code event}: the node's current target when an earlier override
   * set it apart from its state's declared target and the event leads to another transient state.
   */
  private String carriedTarget(String event) {
    String target = node.targetProvisionState();
    if (target == null) {
      return null;
    }
    StateSpec state = ProvisionMachine.DEFINITION.state(node.provisionState()).orElseThrow();
    if (target.equals(state.target())) {
      return null;
    }
    String to =
        ProvisionMachine.DEFINITION
            .transition(node.provisionState(), event)
            .map(t -> t.to())
            .orElse(null);
    return to == null || ProvisionMachine.DEFINITION.isStable(to) ? null : target;
  }

  /**
   * Writes {@code columns} (and a history row, if given) in one transaction, guarded by this
   * conductor's reservation, then updates the in-memory snapshot to match without reading back.
   */
  private void write(String what, Map<String, Object> columns, HistoryEvent history) {
    Instant now = ctx.now();
    ctx.inTransaction(
        what + " node " + node.label(),
        handle -> {
          requireUpdated(NodeStore.update(handle, node.id(), ctx.name, columns, now));
          if (history != null) {
            NodeStore.insertHistory(handle, node.id(), history);
          }
          return null;
        });
    node = NodeStore.applied(node, columns, now);
  }

  private void update(Map<String, Object> columns) {
    requireExclusive();
    write("update", columns, null);
  }

  private MachineInstance provisionInstance() {
    try {
      return ProvisionMachine.DEFINITION.newInstance(
          node.provisionState(), node.targetProvisionState());
    } catch (IllegalArgumentException e) {
      throw new DatabaseException(
          "Node " + node.label() + " has an impossible stored state: " + e.getMessage(), e);
    }
  }

  private PowerState currentPower() {
    return PowerState.fromValue(node.powerState()).orElse(PowerState.NONE);
  }

  private InvalidStateRequestedException invalidState(String event, InvalidTransitionException e) {
    return new InvalidStateRequestedException(
        "The requested action \""
            + event
            + "\" can not be performed on node \""
            + node.label()
            + "\" while it is in state \""
            + node.provisionState()
            + "\".",
        e);
  }

  private void requireUpdated(boolean updated) {
    if (!updated) {
      throw new LockLostException(
          "Node "
              + node.label()
              + " is no longer reserved by conductor "
              + ctx.name
              + " (or was deleted); '"
              + purpose
              + "' stops here");
    }
  }

  private void requireExclusive() {
    if (mode != LockMode.EXCLUSIVE) {
      throw new IllegalStateException("'" + purpose + "' needs an exclusive lock on the node");
    }
  }

  private void releaseLock() {
    if (mode != LockMode.EXCLUSIVE) {
      return;
    }
    mode = LockMode.SHARED;
    try {
      boolean released =
          ctx.withHandle(
              "release node " + node.label(), h -> NodeStore.release(h, node.id(), ctx.name));
      if (!released) {
        LOG.debug("Node {} was not reserved by {} at release (deleted?)", node.label(), ctx.name);
      }
    } catch (RuntimeException e) {
      LOG.error(
          "Could not release node {}; stale-reservation recovery will clear it", node.label(), e);
    }
  }

  static String powerValue(DriverPowerState observed) {
    if (observed == null) {
      return null;
    }
    return switch (observed) {
      case POWER_ON -> PowerState.POWER_ON.value();
      case POWER_OFF -> PowerState.POWER_OFF.value();
      case ERROR -> PowerState.ERROR.value();
    };
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (failure instanceof DriverException || failure instanceof FerrumException) {
      return message == null ? failure.getClass().getSimpleName() : message;
    }
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String truncate(String text) {
    return text.length() <= MAX_ERROR_LENGTH
        ? text
        : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
  }

  /** For power work: the soft-action timeout, or a default. */
  static Duration orDefault(Duration timeout) {
    return timeout == null ? Duration.ofMinutes(10) : timeout;
  }
}
