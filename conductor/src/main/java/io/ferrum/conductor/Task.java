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
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design of the lock.
 *
 * Lock: an exclusive task holds the node's reservation: the conductor's name and the task's own
 * random token, registered as live in LiveReservations before the token is written. Every write
 * is guarded by the token, so a task whose reservation was recovered or taken over (the token was
 * replaced) changes nothing: its writes fail with LockLostException.
 *
 * Release: by close(), on the thread that acquired the task; or, once handed off, by the job. A
 * job's write that leaves the working states (deploying, cleaning, ...: states whose work lives
 * only in memory) releases the reservation in the same transaction, so a client that sees the
 * final state can lock the node at once. A release that fails (database down) leaves an orphan
 * that ReservationRecovery repairs.
 *
 * Unknown outcomes: a write whose commit reports a failure may still have landed. The task reads
 * the row back (version and token) to tell; if the read fails too, the outcome stays unknown and
 * recovery settles it once the database answers.
 */
/**
 * Everything done to one node happens inside a task: {@code try (Task task = tasks.acquire(node,
 * purpose, EXCLUSIVE)) { ... }}.
 *
 * <p>An {@link LockMode#EXCLUSIVE exclusive} task holds the node's reservation in the database from
 * {@link TaskManager#acquire} until it is released: by {@link #close()}, or, once the task was
 * {@link #handOff() handed off}, by its worker's job. Every write the task makes is guarded by the
 * reservation, so a task whose reservation was taken from it changes nothing.
 *
 * <h2>Asynchronous work: spawnAfter, then handOff</h2>
 *
 * <ol>
 *   <li>On the request thread, {@link #spawnAfter} checks the event against the machine (an event
 *       not allowed fails at once with {@link InvalidStateRequestedException}) and records it with
 *       its work. <b>Nothing about the node changes.</b>
 *   <li>{@link #handOff()} submits one job to the worker pool. If no worker is free, it throws
 *       {@link NoFreeWorkerException}; the task still owns the reservation and {@code close()}
 *       releases it, leaving the node exactly as it was.
 *   <li>The job's first step, on the worker thread, is post-process-event: apply the event and
 *       persist state, target, {@code provision_updated_at} and a history row in one transaction,
 *       then emit the {@code start} notification. Then it runs the work.
 *   <li>The reservation belongs to the job from the moment it is submitted. The write that moves
 *       the node out of the working states ({@code deploying}, {@code cleaning}, ...) into a
 *       stable, failure, hold or wait state releases it in the same transaction; whatever happens,
 *       the job releases it at its end.
 *   <li>{@code handOff()} returns only once post-process-event has committed, so a caller who reads
 *       the node next sees the transient state and its target. If that commit fails, {@code
 *       handOff()} throws and no work runs.
 * </ol>
 *
 * <h2>Failure inside the work</h2>
 *
 * <p>The request has returned long before the work fails, so the job handles every {@link
 * Throwable} itself: the node takes its machine's {@code fail} edge (for power work: {@code
 * power_state} becomes what the driver observes, or {@code error}, and {@code target_power_state}
 * is cleared), {@code last_error} gets a short reason, a fault record is written to history, the
 * {@code error} notification is emitted, and the reservation is released. Work that already moved
 * the node along {@code fail} itself (and whose write committed) is not handled twice. If the
 * handling itself fails (database down), the conductor's reservation recovery finishes it once the
 * database answers. Every driver call runs with a deadline, so no work holds the node forever.
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
     * anything, which the job handles. The event that leaves the working states (into a stable,
     * failure, hold or wait state) gives the node's reservation back, so it must be the work's last
     * write.
     *
     * @param task the task, now owned by the worker thread
     * @param applied the transition post-process-event applied
     */
    void run(Task task, FiredTransition applied) throws Exception;
  }

  /** What {@link #handOff()} passes to its job. */
  sealed interface Pending permits ProvisionPending, PowerPending {
    Work work();
  }

  /** A provision event to apply, with columns to write in the same statement ({@code null}). */
  record ProvisionPending(
      String event, String targetOverride, Map<String, Object> alsoWrite, Work work)
      implements Pending {}

  record PowerPending(PowerRequest request, Work work) implements Pending {}

  final ConductorContext ctx;
  private final String purpose;
  private Node node;
  private LockMode mode;
  private long token;
  private long era = Long.MAX_VALUE;
  private boolean held;
  private HardwareType driver;
  private String driverName;
  private long driverEra;
  private Pending pending;
  private volatile boolean handedOff;
  private boolean failureHandled;
  private boolean lastWriteUnknown;
  private Orphans.Unannounced uncertain;
  private String failReason;
  private java.util.List<String> macs;

  /** A shared task: reads only. */
  Task(ConductorContext ctx, Node node, String purpose) {
    this.ctx = ctx;
    this.node = node;
    this.purpose = purpose;
    this.mode = LockMode.SHARED;
  }

  /** An exclusive task holding the node's reservation with {@code token} (already live). */
  Task(ConductorContext ctx, Node node, String purpose, long token) {
    this(ctx, node, purpose);
    this.mode = LockMode.EXCLUSIVE;
    this.token = token;
    this.era = ctx.live.eraOf(token);
    this.held = true;
  }

  /** The node as this task last read or wrote it. */
  public Node node() {
    return node;
  }

  /** What this task is for, as shown in logs and lock messages. */
  public String purpose() {
    return purpose;
  }

  /** The current lock mode: {@link LockMode#SHARED} once the reservation was given back. */
  public LockMode mode() {
    return mode;
  }

  /** Whether this task holds the node's reservation now. */
  public boolean holdsLock() {
    return held;
  }

  /**
   * The node's hardware type; each of its hardware calls runs with a deadline, and is refused once
   * this task is fenced (its conductor lapsed while the task held the node: see {@link
   * Membership}).
   */
  public HardwareType driver() {
    if (driver == null || !node.driver().equals(driverName) || driverEra != era) {
      driver = ctx.driver(node.driver(), era, node.label());
      driverName = node.driver();
      driverEra = era;
    }
    return driver;
  }

  /**
   * What the driver sees of the node now: its documents, its {@code driver_internal_info}, the
   * implementation it uses for each hardware interface (its choice, else its hardware type's
   * default) and the MAC addresses of its ports (read once per task).
   */
  public DriverNode driverNode() {
    return new DriverNode(
        node.uuid(),
        node.name(),
        node.driver(),
        node.driverInfo(),
        node.instanceInfo(),
        node.properties(),
        node.driverInternalInfo(),
        interfaces(),
        macs());
  }

  /** The node's implementation per interface name: its choice, else its type's default. */
  private Map<String, String> interfaces() {
    Map<String, String> chosen = new LinkedHashMap<>();
    HardwareType type;
    try {
      type = ctx.drivers.require(node.driver());
    } catch (RuntimeException e) {
      return node.attributes().interfaces(); // a hardware type no longer enabled: its choices only
    }
    for (String name : io.ferrum.driver.HardwareInterfaces.NAMES) {
      String implementation = NodeInterfaces.of(type, node.attributes(), name);
      if (implementation != null) {
        chosen.put(name, implementation);
      }
    }
    return chosen;
  }

  /** The MAC addresses of the node's ports, read on first use. */
  private java.util.List<String> macs() {
    if (macs == null) {
      long id = node.id();
      macs =
          ctx.withHandle(
              "read the ports of node " + node.label(),
              h -> io.ferrum.conductor.internal.PortStore.addressesOf(h, id));
    }
    return macs;
  }

  /**
   * Turns a shared task into an exclusive one, waiting as {@link TaskManager#acquire} does, and
   * reloads the node. Does nothing if already exclusive.
   *
   * @throws NodeLockedException if the node stays reserved by someone else
   */
  public void upgradeLock() {
    if (mode == LockMode.EXCLUSIVE) {
      return;
    }
    long fresh = ctx.live.open(purpose);
    try {
      node = TaskManager.reserve(ctx, node, purpose, fresh);
    } catch (Throwable t) {
      ctx.live.close(fresh);
      throw t;
    }
    token = fresh;
    era = ctx.live.eraOf(fresh);
    held = true;
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
    spawnAfter(event, targetOverride, null, work);
  }

  /**
   * {@link #spawnAfter(String, String, Work)}, writing {@code alsoWrite}'s columns in the same
   * statement as the event: both land, or neither does.
   */
  void spawnAfter(String event, String targetOverride, Map<String, Object> alsoWrite, Work work) {
    requireHeld();
    try {
      provisionInstance().dryRun(event, targetOverride);
    } catch (InvalidTransitionException e) {
      throw invalidState(event, e);
    }
    pending =
        new ProvisionPending(
            event, targetOverride, alsoWrite == null ? null : Map.copyOf(alsoWrite), work);
  }

  /**
   * Records a power request to apply in a worker, and the work to run after it.
   *
   * @throws InvalidStateRequestedException if the power machine does not allow it now
   */
  public void spawnPowerAfter(PowerRequest request, Work work) {
    requireHeld();
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
   * @throws NoFreeWorkerException if no worker is free, or none started the accepted job within the
   *     worker start wait; the node is untouched and {@code close()} releases it
   * @throws DatabaseException if the worker could not commit the event; no work runs, and if the
   *     database took the event after all, the conductor's recovery moves the node along its fail
   *     edge
   */
  public ActionHandle handOff() {
    requireHeld();
    if (pending == null) {
      throw new IllegalStateException("handOff() without spawnAfter()");
    }
    Job job = new Job(this, pending);
    pending = null;
    handedOff = true;
    CompletableFuture<Void> finished;
    try {
      finished = ctx.pool.submit(job);
    } catch (Throwable t) {
      handedOff = false; // the reservation is ours again: close() gives it back
      throw t;
    }
    try {
      return job.handle(finished, ctx.workerStartWait);
    } catch (NoFreeWorkerException e) {
      if (job.takenBack()) {
        handedOff = false; // the job never ran and never will: close() gives the reservation back
      }
      throw e;
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
   * Fires {@code event} as {@link #processEvent(String, DriverPowerState)} does, writing {@code
   * alsoWrite}'s columns in the same statement.
   */
  FiredTransition processEvent(
      String event, DriverPowerState observedPower, Map<String, Object> alsoWrite) {
    Map<String, Object> columns = new HashMap<>(alsoWrite);
    columns.put("power_state", powerValue(observedPower));
    return applyProvisionEvent(event, null, false, null, null, columns);
  }

  /**
   * Moves the node along {@code fail} with {@code reason} as {@code last_error}, from inside work
   * that handles its own failure. Once this write has committed, the job does not handle the
   * failure again; if it fails, the job does.
   */
  public FiredTransition fail(String reason) {
    failReason = truncate(reason);
    FiredTransition fired = applyProvisionEvent("fail", null, false, failReason, null, null);
    failureHandled = true;
    return fired;
  }

  /** Stores a power state read from the hardware ({@code null} for unknown). */
  public void recordPowerState(DriverPowerState observed) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", powerValue(observed));
    write("update", columns, null, false);
  }

  /** Merges {@code values} into the node's properties. */
  public void mergeProperties(Map<String, Object> values) {
    Map<String, Object> merged = new LinkedHashMap<>(node.properties());
    merged.putAll(values);
    write("update", Map.of("properties", merged), null, false);
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

  // ---- for the job, the periodic tasks and recovery ----

  /** Whether a job owns this task (its writes that end the work release the node). */
  boolean handedOff() {
    return handedOff;
  }

  /** The token guarding this task's writes. */
  long token() {
    requireHeld();
    return token;
  }

  /** The caller's own guarded write gave the reservation back in its transaction. */
  void released() {
    markReleased();
  }

  /** Whether work moved the node along {@code fail} itself, and that write committed. */
  boolean failureHandled() {
    return failureHandled;
  }

  /** The reason work gave {@link #fail}, if it called it, whether or not that write committed. */
  String failReason() {
    return failReason;
  }

  /** Whether the last failed write may have landed all the same (the row could not be read). */
  boolean lastWriteUnknown() {
    return lastWriteUnknown;
  }

  /**
   * The notification of the last write, if that write's outcome is unknown: to be announced by
   * whoever later finds the write landed; otherwise {@code null}.
   */
  Orphans.Unannounced uncertain() {
    return lastWriteUnknown ? uncertain : null;
  }

  /**
   * If the last write's outcome was unknown, reads the node back and, if the write landed with
   * nothing written after it, emits its notification now, in order; never throws (a database still
   * down leaves it to recovery).
   */
  void announceIfLanded() {
    Orphans.Unannounced pendingNotice = uncertain();
    if (pendingNotice == null) {
      return;
    }
    long id = node.id();
    java.util.concurrent.locks.Lock order = ctx.notificationOrder(id);
    order.lock();
    try {
      Node current =
          ctx.withHandle("check node " + node.label(), h -> NodeStore.findById(h, id)).orElse(null);
      lastWriteUnknown = false;
      if (current != null && pendingNotice.landedOn(current)) {
        ctx.notify(pendingNotice.action(), pendingNotice.status(), current, pendingNotice.extra());
        LOG.info(
            "Node {}: the database reported a failure for a write that landed; announced it",
            node.label());
      }
    } catch (RuntimeException e) {
      LOG.debug("Node {}: the outcome of the last write is still unknown", node.label(), e);
    } finally {
      order.unlock();
    }
  }

  /**
   * Rereads the node under the reservation; its state may differ from the snapshot after an unknown
   * write.
   */
  void reload() {
    requireHeld();
    long id = node.id();
    Node current =
        ctx.withHandle(
            "reload node " + node.label(),
            h ->
                Objects.equals(NodeStore.tokenOf(h, id), token)
                    ? NodeStore.findById(h, id).orElse(null)
                    : null);
    if (current == null) {
      markReleased();
      throw lockLost();
    }
    node = current;
  }

  /**
   * Fires a provision event: persists state, target, {@code provision_updated_at}, the wait
   * deadline and a history row in one transaction, then emits the notification.
   *
   * @param starting whether this is a job's post-process-event (clears {@code last_error}, records
   *     this conductor as the node's affinity)
   */
  FiredTransition applyProvisionEvent(
      String event,
      String override,
      boolean starting,
      String lastError,
      Throwable failure,
      Map<String, Object> alsoWrite) {
    requireHeld();
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
    columns.putAll(TransitionFields.of(event, fired.from(), fired.to(), ctx.now()));
    boolean waits = isIn(fired.to(), ProvisionMachine.WAIT_STATES);
    // Entering a wait state starts its timeout; leaving one ends it. Stored, so it survives us.
    columns.put("deadline_at", waits ? ctx.now().plus(ctx.callbackTimeout) : null);
    if (alsoWrite != null) {
      columns.putAll(alsoWrite);
    }
    if (!AgentRecord.mayRun(fired.to())) {
      forgetAgent(columns);
    }
    History history =
        History.of(failed ? "fault" : "provisioning")
            .event(event)
            .states(fired.from(), fired.to(), target)
            .since(before.provisionUpdatedAt());
    history = failed ? history.error(lastError, failure) : history.info(lastError);
    boolean release = handedOff && !isWorking(fired.to());
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("event", event);
    extra.put("previous_provision_state", before.provisionState());
    extra.put("previous_target_provision_state", before.targetProvisionState());
    writeThenNotify(
        "apply \"" + event + "\" to",
        columns,
        history.by(ctx),
        release,
        "provision_set",
        provisionStatus(event, fired),
        extra);
    return fired;
  }

  /**
   * Removes what a deploy ramdisk's agent left in {@code driver_internal_info} (its address, token,
   * version, last heartbeat), and the steps of a cleaning that is over, from the document {@code
   * columns} is about to write, or from the node's own when {@code columns} writes none: the node
   * reached a state where no agent runs, so an agent still running from before must never drive it
   * again.
   */
  private void forgetAgent(Map<String, Object> columns) {
    @SuppressWarnings("unchecked")
    Map<String, Object> internal =
        columns.containsKey("driver_internal_info")
            ? (Map<String, Object>) columns.get("driver_internal_info")
            : node.driverInternalInfo();
    if (internal == null
        || (AgentRecord.KEYS.stream().noneMatch(internal::containsKey)
            && !internal.containsKey(ProvisionFlows.CLEAN_STEPS))) {
      return;
    }
    Map<String, Object> kept = new LinkedHashMap<>(internal);
    kept.keySet().removeAll(AgentRecord.KEYS);
    kept.remove(ProvisionFlows.CLEAN_STEPS); // the cleaning it described is over
    columns.put("driver_internal_info", kept);
  }

  /** Records a failure that has no {@code fail} edge in the node's state. */
  void recordFault(String reason, Throwable failure) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("last_error", reason);
    writeThenNotify(
        "record failure of",
        columns,
        History.of("fault")
            .states(node.provisionState(), node.provisionState(), node.targetProvisionState())
            .error(reason, failure)
            .by(ctx),
        handedOff,
        "provision_set",
        "error",
        Map.of("event", "fault"));
  }

  /**
   * Writes {@code columns} (and a history row, if given) in one transaction, guarded by this task's
   * reservation, then updates the in-memory snapshot to match without reading back. With {@code
   * release}, the same statement gives the reservation back.
   *
   * @throws LockLostException if the reservation is no longer this task's
   * @throws DatabaseException if the write failed (and did not land after all)
   */
  void write(String what, Map<String, Object> columns, HistoryEvent history, boolean release) {
    requireHeld();
    Instant now = ctx.now();
    long id = node.id();
    long version = node.version();
    lastWriteUnknown = false;
    try {
      ctx.inTransaction(
          what + " node " + node.label(),
          handle -> {
            if (!NodeStore.update(handle, id, token, columns, now, release)) {
              throw lockLost();
            }
            if (history != null) {
              NodeStore.insertHistory(handle, id, history);
            }
            return null;
          });
    } catch (LockLostException e) {
      markReleased();
      throw e;
    } catch (DatabaseException e) {
      if (neverSent(e) || !landed(version, release, e)) {
        throw e;
      }
      LOG.info(
          "Node {}: the database reported a failure for '{}', but the write landed",
          node.label(),
          what);
    }
    ctx.counts.written(node, columns);
    node = NodeStore.applied(node, columns, now);
    if (release) {
      node = node.withReservation(null);
      markReleased();
    }
  }

  /**
   * {@link #write}, then the notification {@code baremetal.node.<action>.<status>} with {@code
   * extra}. A write that releases the node keeps the node's notification order from before its
   * commit until its notification is out: the next task on the node notifies after it.
   */
  void writeThenNotify(
      String what,
      Map<String, Object> columns,
      HistoryEvent history,
      boolean release,
      String action,
      String status,
      Map<String, Object> extra) {
    java.util.concurrent.locks.Lock order = release ? ctx.notificationOrder(node.id()) : null;
    if (order != null) {
      order.lock();
    }
    try {
      Node before = node;
      try {
        write(what, columns, history, release);
      } catch (DatabaseException e) {
        if (lastWriteUnknown) {
          // Announced by whoever later finds that the write landed (announceIfLanded, recovery).
          uncertain = unannounced(before, columns, action, status, extra);
        }
        throw e;
      }
      ctx.notify(action, status, node, extra);
    } finally {
      if (order != null) {
        order.unlock();
      }
    }
  }

  /** The notification a write of {@code columns} to {@code before} owes, if it landed. */
  private static Orphans.Unannounced unannounced(
      Node before,
      Map<String, Object> columns,
      String action,
      String status,
      Map<String, Object> extra) {
    String column = null;
    Object value = null;
    if (columns.containsKey("provision_state")
        && !Objects.equals(columns.get("provision_state"), before.provisionState())) {
      column = "provision_state";
      value = columns.get("provision_state");
    } else if (columns.containsKey("target_power_state")
        && !Objects.equals(columns.get("target_power_state"), before.targetPowerState())) {
      column = "target_power_state";
      value = columns.get("target_power_state");
    }
    return new Orphans.Unannounced(
        action,
        status,
        column,
        value == null ? null : value.toString(),
        before.version() + 1,
        extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra)));
  }

  /**
   * After a write reported a failure: whether it landed all the same, read back from the row (its
   * version moved on while this task held it). The row is read again, with pauses, for up to the
   * conductor's unknown-outcome wait (a database restarting answers again soon); the outcome is
   * unknown if it still cannot be read.
   */
  private boolean landed(long version, boolean release, DatabaseException failure) {
    long id = node.id();
    Node current;
    Long holder;
    long deadline = System.nanoTime() + ctx.outcomeWait.toNanos();
    long pauseMillis = 50;
    while (true) {
      try {
        Object[] row =
            ctx.withHandle(
                "check the write to node " + node.label(),
                h ->
                    new Object[] {
                      NodeStore.findById(h, id).orElse(null), NodeStore.tokenOf(h, id)
                    });
        current = (Node) row[0];
        holder = (Long) row[1];
        break;
      } catch (RuntimeException e) {
        if (System.nanoTime() + pauseMillis * 1_000_000 > deadline || !pause(pauseMillis)) {
          lastWriteUnknown = true;
          failure.addSuppressed(e);
          return false;
        }
        pauseMillis = Math.min(pauseMillis * 2, 1_000);
      }
    }
    if (current == null || current.version() == version) {
      if (!Objects.equals(holder, token)) {
        markReleased();
        throw lockLost();
      }
      return false;
    }
    return release || Objects.equals(holder, token);
  }

  /** Whether {@code failure} happened before anything reached the database: no connection. */
  private static boolean neverSent(DatabaseException failure) {
    for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
      if (t instanceof org.jdbi.v3.core.ConnectionException) {
        return true;
      }
    }
    return false;
  }

  /** Sleeps; false if interrupted (the interrupt is kept). */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives the reservation back, if still held; a failure leaves an orphan for recovery. */
  void releaseLock() {
    if (!held) {
      return;
    }
    long id = node.id();
    long mine = token;
    boolean failed = false;
    try {
      ctx.probe.reached(TaskProbe.Point.RELEASING, ctx.name, node.uuid(), purpose);
      boolean released =
          ctx.withHandle("release node " + node.label(), h -> NodeStore.release(h, id, mine));
      if (!released) {
        LOG.debug("Node {}: reservation already gone at release", node.label());
      }
    } catch (Throwable e) { // NOPMD: whatever failed, recovery must learn of the reservation
      failed = true;
      if (e instanceof DatabaseException) {
        // Expected while the database is down: one line per node, the trace at debug level.
        LOG.warn(
            "Could not release node {}: {}; this conductor's reservation recovery releases it"
                + " once the database answers",
            node.label(),
            e.getMessage());
        LOG.debug("Node {}: stack trace of the database failure", node.label(), e);
      } else {
        LOG.error(
            "Could not release node {}; this conductor's reservation recovery releases it once the"
                + " database answers",
            node.label(),
            e);
      }
    } finally {
      markReleased();
    }
    if (failed) {
      ctx.orphans.add(new Orphans.Orphan(id, null, null, Instant.now()));
    }
  }

  MachineInstance provisionInstance() {
    try {
      return ProvisionMachine.DEFINITION.newInstance(
          node.provisionState(), node.targetProvisionState());
    } catch (IllegalArgumentException e) {
      throw new DatabaseException(
          "Node " + node.label() + " has an impossible stored state: " + e.getMessage(), e);
    }
  }

  /** Whether {@code state} is a working state: its work lives only in a conductor's memory. */
  static boolean isWorking(String state) {
    return isIn(state, ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL);
  }

  private static boolean isIn(String state, Set<ProvisionState> states) {
    return ProvisionState.fromValue(state).map(states::contains).orElse(false);
  }

  /**
   * Gives the node up to this conductor's reservation recovery without releasing it: the work's
   * outcome could not be recorded (the database failed while the work was ending), so the node
   * keeps its reservation, which no live task holds any more, until recovery records what happened
   * (clears a pending power change with an {@code error} notification, fails a working state).
   * Releasing it instead would let the next request start on a node whose last change was never
   * ended, announced or recorded.
   */
  void leaveToRecovery() {
    if (!held) {
      return;
    }
    long id = node.id();
    markReleased();
    ctx.orphans.add(new Orphans.Orphan(id, null, null, Instant.now()));
  }

  private void markReleased() {
    if (held) {
      held = false;
      mode = LockMode.SHARED;
      ctx.live.close(token);
    }
  }

  /** Ironic's status rule: fail is error; stable to transient is start; back to stable is end. */
  /**
   * The status of a provision notification, as Ironic decides it: {@code error} for a failure;
   * {@code start} on entering the unstable states ({@link ProvisionMachine#UNSTABLE_STATES}) from
   * outside them, {@code end} on leaving them (an abort out of a wait state included), and {@code
   * success} for every other change. So every {@code start} is followed by an {@code end} or an
   * {@code error}.
   */
  private static String provisionStatus(String event, FiredTransition fired) {
    if ("fail".equals(event) || "error".equals(event)) {
      return "error";
    }
    boolean fromUnstable = isIn(fired.from(), ProvisionMachine.UNSTABLE_STATES);
    boolean toUnstable = isIn(fired.to(), ProvisionMachine.UNSTABLE_STATES);
    if (!fromUnstable && toUnstable) {
      return "start";
    }
    if (fromUnstable && !toUnstable) {
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

  PowerState currentPower() {
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

  private LockLostException lockLost() {
    return new LockLostException(
        "Node "
            + node.label()
            + " is no longer reserved by this task of conductor "
            + ctx.name
            + " (it was recovered, taken over or deleted); '"
            + purpose
            + "' stops here");
  }

  private void requireHeld() {
    if (!held) {
      throw new IllegalStateException(
          mode == LockMode.SHARED && token == 0
              ? "'" + purpose + "' needs an exclusive lock on the node"
              : "'" + purpose + "' no longer holds node " + node.label() + "'s reservation");
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

  /**
   * Whether {@code failure} is one Ferrum expects and describes fully in its message (a driver's or
   * the conductor's own, such as a database outage): logged in one line, its stack trace only at
   * DEBUG. Anything else is a bug somewhere and is logged with its trace.
   */
  static boolean expected(Throwable failure) {
    return failure instanceof DriverException || failure instanceof FerrumException;
  }

  /**
   * A short reason for {@code failure}, for {@code last_error}: an {@link #expected} failure's
   * message alone, anything else's with its class name.
   */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (expected(failure)) {
      return message == null ? failure.getClass().getSimpleName() : message;
    }
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static String truncate(String text) {
    return text == null || text.length() <= MAX_ERROR_LENGTH
        ? text
        : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
  }
}
