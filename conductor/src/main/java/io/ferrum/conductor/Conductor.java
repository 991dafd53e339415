package io.ferrum.conductor;

import io.ferrum.conductor.internal.Dialect;
import io.ferrum.conductor.internal.DriverRegistry;
import io.ferrum.conductor.internal.Migrations;
import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.ProvisionEvent;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embeddable conductor: everything Ferrum does to nodes, without a daemon or HTTP.
 *
 * <pre>{@code
 * try (Conductor conductor = Conductor.builder().dataSource(ds).name("c1").build()) {
 *   Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));
 *   conductor.provision(node.uuid(), ProvisionRequest.of("manage")).await(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>Asynchronous requests ({@link #provision}, {@link #power}, {@link #continueNode}) return once
 * a worker has started and committed the event, with an {@link ActionHandle} for the end of the
 * work. Errors a caller can act on are {@link FerrumException}s whose {@link ErrorKind} says what
 * they mean.
 *
 * <p>Thread-safe.
 */
public final class Conductor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Conductor.class);
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.~-]{1,255}");
  private static final Pattern CONDUCTOR_GROUP = Pattern.compile("[a-z0-9_.-]{0,255}");
  private static final Set<String> PATCHABLE =
      union(
          Set.of(
              "name",
              "driver",
              "driver_info",
              "instance_info",
              "properties",
              "extra",
              "maintenance",
              "maintenance_reason",
              "conductor_group"),
          NodeAttributeRules.PATCHABLE);
  private static final Set<String> DOCUMENTS =
      Set.of("driver_info", "instance_info", "properties", "extra");

  private final ConductorContext ctx;
  private final TaskManager tasks;
  private final Duration shutdownDeadline;
  private final Periodics periodics;
  private final PowerSync powerSync;
  private final CallbackTimeouts timeouts;
  private final ReservationRecovery recovery;
  private final Membership membership;
  private final NodeTraits traits;
  private final NodeManagement management;
  private final NodeRaid raid;
  private final Ports ports;
  private final Portgroups portgroups;
  private final Allocations allocations;
  private final BulkRequests bulk;
  private final RamdiskAgents agents;
  private final Duration recoveryInterval;
  private volatile boolean closed;
  private volatile Periodics.Periodic heartbeats;

  private Conductor(
      ConductorContext ctx,
      Duration shutdownDeadline,
      PowerSyncPolicy powerSyncPolicy,
      int powerSyncMaxRetries,
      int powerSyncConcurrency,
      int powerSyncBatchSize,
      Duration recoveryInterval,
      Membership membership,
      io.ferrum.driver.AgentCallbackPolicy agentCallbacks) {
    this.ctx = ctx;
    this.tasks = new TaskManager(ctx);
    this.shutdownDeadline = shutdownDeadline;
    this.periodics = new Periodics(ctx.name);
    this.powerSync =
        new PowerSync(
            ctx,
            tasks,
            powerSyncPolicy,
            powerSyncMaxRetries,
            powerSyncConcurrency,
            powerSyncBatchSize);
    this.timeouts = new CallbackTimeouts(ctx, tasks);
    this.recovery = new ReservationRecovery(ctx, recoveryInterval);
    this.recoveryInterval = recoveryInterval;
    this.membership = membership;
    this.traits = new NodeTraits(ctx, tasks);
    this.management = new NodeManagement(tasks);
    this.raid = new NodeRaid(tasks);
    this.ports = new Ports(ctx, tasks);
    this.portgroups = new Portgroups(ctx, tasks);
    this.allocations =
        new Allocations(
            ctx, tasks, membership::heldNames, membership::awaitingTakeover, this::requireOpen);
    this.bulk = new BulkRequests(ctx, membership, (ident, action) -> action.start(this, ident));
    this.agents = new RamdiskAgents(ctx, tasks, agentCallbacks, this::requireOpen);
  }

  /**
   * Compares every eligible node's stored power state with what its hardware says (nodes in
   * maintenance, reserved, with a power change in progress, or in Ironic's sync-excluded states are
   * skipped). A node with no stored state gets what the hardware says. On disagreement the node's
   * policy applies ({@link PowerSyncPolicy}); a driver that fails to answer more than the allowed
   * number of consecutive times (or not within the power interface's deadline) puts the node in
   * maintenance with fault {@code power failure}. Reads take no lock; changes take the node's
   * exclusive lock and re-check the node under it (a busy node waits for the next sync). A node
   * whose read is still in flight (started by an earlier sweep) is skipped. Runs periodically on a
   * thread of its own, over the nodes the hash ring gives this conductor; called directly, it syncs
   * every eligible node and returns once every read it started has been handled.
   *
   * @return how many nodes were changed (state corrected, enforced, or put in maintenance)
   */
  public int syncPowerStates() {
    return powerSync.sweep();
  }

  /**
   * Moves every node whose callback wait has expired along its {@code fail} edge, through the
   * normal task path (the node's exclusive lock; a busy node is skipped until the next check).
   * Deadlines are stored in the database, so any live conductor finds them, restarts included. Runs
   * periodically on a thread of its own, over the nodes the hash ring gives this conductor; called
   * directly, it checks every node.
   *
   * @return how many nodes timed out
   */
  public int checkTimeouts() {
    return timeouts.check();
  }

  /**
   * Heartbeats now and refreshes this conductor's view of the others (who is alive, the hash
   * rings). Runs every heartbeat interval on a thread of its own; embedders that turned the
   * periodic tasks off call it themselves.
   */
  public void heartbeat() {
    membership.beat();
  }

  /**
   * Takes over the nodes of every conductor whose heartbeat is older than its timeout, as of the
   * last heartbeat's view, and declares it dead; then resumes the allocations such conductors left
   * in progress, and those that waited for their nodes ({@link Allocations#recover()}: only a
   * conductor declared dead gives up its allocations, so they never race for nodes it still holds).
   * Runs every heartbeat interval on a thread of its own; embedders that turned the periodic tasks
   * off call it themselves.
   *
   * @return how many nodes were taken over
   */
  public int takeOverDeadConductors() {
    Map<String, java.time.Instant> dead = membership.dead();
    int taken = 0;
    for (Map.Entry<String, java.time.Instant> conductor : dead.entrySet()) {
      taken += recovery.takeOver(conductor.getKey(), conductor.getValue());
    }
    if (!dead.isEmpty() && !membership.standingDown()) {
      try {
        allocations.recover();
      } catch (RuntimeException e) {
        LOG.warn(
            "Conductor {}: could not resume the allocations of dead conductors ({}); the periodic"
                + " pass retries",
            ctx.name,
            e.getMessage());
      }
    }
    return taken;
  }

  /**
   * The conductors registered in this conductor's database, alive or not (alive: online and
   * heartbeating within the timeout, on the database's clock).
   */
  public List<ConductorInfo> conductors() {
    return membership.conductors();
  }

  /**
   * The live conductor that runs {@code node}'s periodic work: the owner of its UUID on the hash
   * ring of its conductor group and hardware type, as this conductor's last heartbeat saw the ring;
   * {@code null} when no live conductor of its group enables its hardware type. Any conductor
   * serves requests for any node.
   */
  public String conductorFor(Node node) {
    return membership.ownerOf(node.conductorGroup(), node.driver(), node.uuid());
  }

  /** This conductor's conductor group ({@code ""}: the default group). */
  public String conductorGroup() {
    return membership.group();
  }

  /**
   * Repairs what this conductor's tasks left behind: reservations under its name that no live task
   * holds (a release that failed while the database was down), and nodes whose work ran here that
   * rest in a working state ({@code deploying}, {@code cleaning}, ...) or with a pending power
   * change although no job runs on them. Working states take their {@code fail} edge and pending
   * power changes are cleared, each with {@code last_error}, a history row and an error
   * notification; then the reservation is released. Runs every recovery interval and soon after a
   * failed release, on a thread of its own; embedders and tests may call it directly.
   *
   * @return how many nodes were repaired
   * @throws DatabaseException if the database fails meanwhile (the next pass starts over)
   */
  public int recoverReservations() {
    return recovery.pass(ReservationRecovery.Occasion.LIVE);
  }

  /**
   * How many nodes reservation recovery repaired since this conductor started, its start-up pass
   * included. With a healthy database and healthy drivers it stays at what start-up found.
   */
  public long nodesRepaired() {
    return recovery.repaired();
  }

  /**
   * How many driver calls passed their deadline and were abandoned since this conductor started.
   * Each one failed its operation; a rising count means hardware (or a driver) that does not
   * answer.
   */
  public long driverCallsAbandoned() {
    return ctx.driverCalls.abandoned();
  }

  /**
   * How many abandoned driver calls still have not returned: threads a driver holds because it
   * ignores interrupts. Past 1000, this conductor refuses new driver calls.
   */
  public int driverCallsStuck() {
    return ctx.driverCalls.stuck();
  }

  /** Starts building a conductor. */
  public static Builder builder() {
    return new Builder();
  }

  /** This conductor's name: the value it writes into reservations. */
  public String name() {
    return ctx.name;
  }

  /** A node's traits. */
  public NodeTraits traits() {
    return traits;
  }

  /** A node's out-of-band management: boot device, non-maskable interrupt. */
  public NodeManagement management() {
    return management;
  }

  /** Network ports of nodes. */
  public Ports ports() {
    return ports;
  }

  /** Nodes' RAID configuration: the target one their RAID interface is asked to build. */
  public NodeRaid raid() {
    return raid;
  }

  /** Port groups (bonds) of nodes. */
  public Portgroups portgroups() {
    return portgroups;
  }

  /** Allocations: requests for a node of a resource class, with traits ({@link Allocations}). */
  public Allocations allocations() {
    return allocations;
  }

  /** Bulk requests: one verb for many nodes, one request id to follow. */
  public BulkRequests bulk() {
    return bulk;
  }

  /** What the enabled hardware type {@code name} offers, or empty if it is not enabled. */
  public java.util.Optional<DriverDescription> describeDriver(String name) {
    return ctx.drivers.names().contains(name)
        ? java.util.Optional.of(DriverDescription.of(ctx.drivers.require(name)))
        : java.util.Optional.empty();
  }

  /** The task manager, for embedders that write their own flows. */
  public TaskManager tasks() {
    return tasks;
  }

  /** The enabled hardware types' names. */
  public Set<String> drivers() {
    return ctx.drivers.names();
  }

  /** Counters of this conductor's exclusive locks. */
  public LockStats lockStats() {
    return new LockStats(
        ctx.locksAcquired.sum(), ctx.locksRefused.sum(), ctx.lockWaitNanos.sum() / 1e9);
  }

  /**
   * How many nodes are in each value of {@code column}: {@code provision_state} or {@code
   * power_state} (an unknown power state counts under {@code "none"}). Answered from memory,
   * without a query: counted at start and every 30 s, and kept up to date in between by this
   * conductor's own changes (another conductor's changes show at the next count).
   */
  public Map<String, Long> countNodesBy(String column) {
    return ctx.counts.by(column);
  }

  /**
   * Adds a listener of this conductor's notifications, beside its sink: it hears every notification
   * {@code filter} accepts ({@code n -> true} for all; {@link Notification} has the event type, the
   * node's UUID and the payload), on the thread that made the change, after the change committed,
   * in the order of each node's changes. A listener that throws, or is slow, is the caller's to
   * fix: what it throws is logged and ignored.
   *
   * @return closing it removes the listener
   */
  public AutoCloseable subscribe(
      java.util.function.Predicate<Notification> filter, NotificationSink listener) {
    ConductorContext.Subscriber subscriber = new ConductorContext.Subscriber(filter, listener);
    ctx.subscribers.add(subscriber);
    return () -> ctx.subscribers.remove(subscriber);
  }

  /** The worker pool. */
  public WorkerPool workers() {
    return ctx.pool;
  }

  // ---- nodes ----

  /**
   * Creates a node in {@code enroll} (or {@code available}, when the spec asks for Ironic's
   * pre-1.11 behaviour).
   *
   * @throws InvalidParameterException for an unknown driver, a bad UUID, name, conductor group or
   *     initial state, or a value its hardware type's allowlists refuse ({@link
   *     HardwareType#checkInput})
   * @throws NodeConflictException if the UUID or name is taken
   */
  public Node createNode(NodeSpec spec) {
    if (spec.driver() == null || spec.driver().isBlank()) {
      throw new InvalidParameterException("A node needs a driver");
    }
    NodeAttributes attributes =
        NodeAttributeRules.forNewNode(ctx.drivers.require(spec.driver()), spec.attributes());
    DriverInput.check(ctx.drivers.require(spec.driver()), spec, attributes.interfaces());
    String uuid = spec.uuid() == null ? UUID.randomUUID().toString() : spec.uuid();
    if (!ConductorContext.looksLikeUuid(uuid)) {
      throw new InvalidParameterException("\"" + uuid + "\" is not a valid UUID");
    }
    String uuidLower = uuid.toLowerCase(Locale.ROOT);
    validateName(spec.name());
    String group = conductorGroupOf(spec.conductorGroup());
    String state = spec.initialState() == null ? "enroll" : spec.initialState();
    if (!state.equals("enroll") && !state.equals("available")) {
      throw new InvalidParameterException(
          "A node starts in \"enroll\" or \"available\", not \"" + state + "\"");
    }
    Node node;
    try {
      // One statement; the unique keys on uuid and name catch a clash, also between conductors.
      node =
          ctx.inTransaction(
              "create node",
              handle ->
                  NodeStore.insert(
                      handle,
                      uuidLower,
                      spec.name(),
                      spec.driver(),
                      spec.driverInfo(),
                      spec.instanceInfo(),
                      spec.properties(),
                      spec.extra(),
                      state,
                      attributes,
                      group,
                      ctx.now()));
    } catch (DatabaseException e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      boolean uuidTaken =
          ctx.withHandle(
              "read node " + uuidLower, h -> NodeStore.findByUuid(h, uuidLower).isPresent());
      throw new NodeConflictException(
          uuidTaken
              ? "A node with UUID " + uuid + " already exists."
              : "A node with name " + spec.name() + " already exists.",
          e);
    }
    ctx.counts.created(node);
    ctx.notify("create", "end", node, Map.of());
    return node;
  }

  /**
   * The node with UUID or name {@code ident}.
   *
   * @throws NodeNotFoundException if there is none
   */
  public Node getNode(String ident) {
    return ctx.withHandle("read node " + ident, h -> ctx.find(h, ident));
  }

  /** One page of nodes matching {@code query}. */
  public NodePage listNodes(NodeQuery query) {
    return ctx.withHandle("list nodes", h -> NodeStore.list(h, query));
  }

  /** The node's history, oldest first. */
  public List<HistoryEvent> history(String ident) {
    return ctx.withHandle(
        "read history of " + ident, h -> NodeStore.history(h, ctx.find(h, ident).id()));
  }

  /**
   * Applies RFC 6902 operations to the node's {@code name}, {@code driver}, {@code driver_info},
   * {@code instance_info}, {@code properties}, {@code extra}, {@code maintenance} and {@code
   * maintenance_reason}, under its exclusive lock.
   *
   * @throws NodeConflictException while a transition is in progress (a target is set) in a state
   *     that does not allow updates, or for a taken name
   * @throws InvalidParameterException for a bad path, operation or value, or a value the node's
   *     hardware type's allowlists refuse ({@link HardwareType#checkInput})
   */
  public Node updateNode(String ident, List<PatchOperation> patch) {
    return update(ident, patch, true);
  }

  /**
   * Puts the node into maintenance with {@code reason} ({@code on}), or takes it out (the reason is
   * cleared), as Ironic's maintenance endpoint does: in any provision state, a node waiting for its
   * ramdisk's callback included, as long as no work holds the node's lock. A node in maintenance
   * takes no callbacks and no periodic work.
   *
   * @throws NodeNotFoundException for an unknown node
   * @throws NodeLockedException while work holds the node
   */
  public Node setMaintenance(String ident, boolean on, String reason) {
    List<PatchOperation> patch = new ArrayList<>();
    patch.add(PatchOperation.replace("/maintenance", on));
    patch.add(PatchOperation.replace("/maintenance_reason", on ? reason : null));
    return update(ident, patch, false);
  }

  private Node update(String ident, List<PatchOperation> patch, boolean onlyWhenSettled) {
    if (patch == null || patch.isEmpty()) {
      throw new InvalidParameterException("The patch is empty");
    }
    try (Task task = tasks.acquire(ident, "update", LockMode.EXCLUSIVE)) {
      Node node = task.node();
      if (onlyWhenSettled
          && node.targetProvisionState() != null
          && ProvisionState.fromValue(node.provisionState())
              .map(s -> !ProvisionMachine.UPDATE_ALLOWED_STATES.contains(s))
              .orElse(true)) {
        throw new NodeConflictException(
            "Node "
                + node.label()
                + " can not be updated while a state transition is in progress.");
      }
      Map<String, Object> columns = NodePatcher.apply(node, patch, PATCHABLE, DOCUMENTS);
      if (columns.containsKey("name")) {
        validateName((String) columns.get("name"));
      }
      if (columns.containsKey("conductor_group")) {
        columns.put("conductor_group", conductorGroupOf(columns.get("conductor_group")));
      }
      if (columns.containsKey("driver")) {
        Object driver = columns.get("driver");
        if (!(driver instanceof String name)) {
          throw new InvalidParameterException("driver must be a string");
        }
        ctx.drivers.require(name);
      }
      NodeAttributeRules.checkUpdate(ctx.drivers, node, columns);
      DriverInput.check(ctx.drivers, node, columns);
      java.util.concurrent.locks.Lock order = ctx.notificationOrder(node.id());
      order.lock();
      try {
        return updateAndRelease(task, node, columns);
      } finally {
        order.unlock();
      }
    }
  }

  /** The update and the release in one transaction, then the notification. */
  private Node updateAndRelease(Task task, Node node, Map<String, Object> columns) {
    Node updated =
        ctx.inTransaction(
            "update node " + node.label(),
            handle -> {
              Object name = columns.get("name");
              if (name != null
                  && NodeStore.findByName(handle, (String) name)
                      .filter(other -> other.id() != node.id())
                      .isPresent()) {
                throw new NodeConflictException("A node with name " + name + " already exists.");
              }
              if (!NodeStore.update(handle, node.id(), task.token(), columns, ctx.now(), true)) {
                throw lockLost(node, "update");
              }
              return NodeStore.findById(handle, node.id()).orElseThrow();
            });
    task.released();
    ctx.notify("update", "end", updated, Map.of());
    return updated;
  }

  /**
   * Deletes the node. Allowed in {@code enroll}, {@code manageable}, {@code available} and {@code
   * adopt failed}, or in any state while in maintenance. A node associated with an instance (its
   * allocation's) is deleted only in maintenance, as in Ironic, and its allocation goes with it. A
   * delete that loses a race to another delete of the same node succeeds: its intent was fulfilled.
   *
   * @throws NodeNotFoundException if no such node exists when the call starts
   * @throws NodeConflictException if the state forbids it, or the node has an instance and is not
   *     in maintenance
   * @throws NodeLockedException if the node stays busy
   */
  public void deleteNode(String ident) {
    Node seen = getNode(ident);
    Task task;
    try {
      task = tasks.acquire(seen.uuid(), "delete", LockMode.EXCLUSIVE);
    } catch (NodeNotFoundException e) {
      LOG.info("Node {} was deleted concurrently; delete fulfilled", seen.label());
      return;
    }
    try (task) {
      Node node = task.node();
      boolean allowed =
          node.maintenance()
              || ProvisionState.fromValue(node.provisionState())
                  .map(ProvisionMachine.DELETE_ALLOWED_STATES::contains)
                  .orElse(false);
      NodeAttributeRules.checkDelete(node);
      if (!node.maintenance() && node.instanceUuid() != null) {
        throw new NodeConflictException(
            "Node "
                + node.uuid()
                + " is associated with instance "
                + node.instanceUuid()
                + "; delete its allocation first, or put the node in maintenance.");
      }
      if (!allowed) {
        throw new NodeConflictException(
            "Can not delete node "
                + node.label()
                + " while it is in provision state \""
                + node.provisionState()
                + "\"; allowed in "
                + ProvisionMachine.DELETE_ALLOWED_STATES
                + " or in maintenance.");
      }
      ctx.inTransaction(
          "delete node " + node.label(),
          h -> {
            if (!NodeStore.delete(h, node.id(), task.token())) {
              throw lockLost(node, "delete");
            }
            return null;
          });
      task.released();
      ctx.counts.deleted(node);
      ctx.notify("delete", "end", node, Map.of());
    }
  }

  /**
   * Checks, without touching hardware, whether each hardware interface of the node has what it
   * needs in {@code driver_info} and {@code instance_info}. A value the hardware type's allowlists
   * refuse ({@link HardwareType#checkInput}) fails every interface with that reason.
   *
   * <p>Every interface Ironic validates is listed (bios, boot, console, deploy, inspect,
   * management, network, power, raid, rescue, storage): those Ferrum drives are checked by the
   * hardware type; of the others, a {@code noop} one passes and a {@code no-*} one fails as not
   * supported.
   *
   * @return interface name to result, by name
   */
  public Map<String, InterfaceValidation> validate(String ident) {
    try (Task task = tasks.acquire(ident, "validate", LockMode.SHARED)) {
      HardwareType driver = task.driver();
      io.ferrum.driver.DriverNode node = task.driverNode();
      Map<String, io.ferrum.driver.HardwareInterface> interfaces = new java.util.TreeMap<>();
      interfaces.put("boot", driver.boot());
      interfaces.put("deploy", driver.deploy());
      interfaces.put("inspect", driver.inspect());
      interfaces.put("management", driver.management());
      interfaces.put("power", driver.power());
      interfaces.put("rescue", driver.rescue());
      Map<String, InterfaceValidation> results = new java.util.TreeMap<>();
      String refused = DriverInput.refusal(driver, node);
      // Every interface at once, each within the validate deadline: a hung check costs one
      // deadline, not one per interface, and no API thread waits longer.
      Map<String, java.util.concurrent.CompletableFuture<Void>> checks = new java.util.TreeMap<>();
      interfaces.forEach(
          (name, hardwareInterface) -> {
            if (refused == null) {
              checks.put(
                  name,
                  ctx.driverCalls.callAsync(
                      name + ".validate",
                      ctx.driverCalls.deadline("validate"),
                      () -> {
                        hardwareInterface.validate(node);
                        return null;
                      }));
            }
          });
      interfaces.forEach(
          (name, hardwareInterface) -> {
            if (refused != null) {
              results.put(name, new InterfaceValidation(false, refused));
              return;
            }
            try {
              checks.get(name).join();
              results.put(name, new InterfaceValidation(true, null));
            } catch (java.util.concurrent.CompletionException e) {
              Throwable cause = e.getCause() != null ? e.getCause() : e;
              results.put(
                  name,
                  new InterfaceValidation(
                      false,
                      cause instanceof io.ferrum.driver.DriverException
                          ? cause.getMessage()
                          : Task.describe(cause)));
            }
          });
      results.putAll(NodeInterfaces.validateUndriven(driver, task.node().attributes()));
      return results;
    }
  }

  // ---- provision and power ----

  /**
   * The event {@code request} fires, once its arguments are checked: each verb gets what it needs
   * and nothing it does not take.
   *
   * @throws InvalidParameterException for an unknown verb or a missing or misplaced argument
   */
  static ProvisionEvent provisionEvent(ProvisionRequest request) {
    ProvisionEvent event =
        ProvisionMachine.eventForVerb(request.verb())
            .orElseThrow(
                () ->
                    new InvalidParameterException(
                        "Unknown provision verb \""
                            + request.verb()
                            + "\"; valid verbs: "
                            + String.join(", ", ProvisionMachine.VERBS.keySet())));
    if (event == ProvisionEvent.CLEAN && request.cleanSteps().isEmpty()) {
      throw new InvalidParameterException("Manual cleaning needs clean_steps");
    }
    if (event == ProvisionEvent.SERVICE && request.serviceSteps().isEmpty()) {
      throw new InvalidParameterException("Servicing needs service_steps");
    }
    if (event == ProvisionEvent.RESCUE
        && (request.rescuePassword() == null || request.rescuePassword().isBlank())) {
      throw new InvalidParameterException("Rescue needs a rescue_password");
    }
    if (request.hasDeployInput()
        && event != ProvisionEvent.DEPLOY
        && event != ProvisionEvent.REBUILD) {
      throw new InvalidParameterException(
          "A config drive and deploy steps go only with a deploy (active) or a rebuild, not \""
              + request.verb()
              + "\"");
    }
    return event;
  }

  /**
   * Requests a provision verb. Returns once a worker has applied and committed the event.
   *
   * @throws InvalidParameterException for an unknown verb or a missing argument
   * @throws InvalidStateRequestedException if the node's state does not allow the verb
   * @throws NodeLockedException if the node stays busy
   * @throws NoFreeWorkerException if no worker is free; nothing changed
   */
  public ActionHandle provision(String ident, ProvisionRequest request) {
    ProvisionEvent event = provisionEvent(request);
    requireOpen();
    try (Task task = tasks.acquire(ident, "provision " + request.verb(), LockMode.EXCLUSIVE)) {
      Node node = task.node();
      NodeAttributeRules.checkEvent(node, event);
      if ((event == ProvisionEvent.DEPLOY || event == ProvisionEvent.REBUILD)
          && node.maintenance()) {
        throw new InvalidParameterException(
            "Node " + node.label() + " is in maintenance; it can not be deployed.");
      }
      String override = event == ProvisionEvent.CLEAN ? ProvisionState.MANAGEABLE.value() : null;
      task.spawnAfter(event.value(), override, ProvisionFlows.work(request));
      return task.handOff();
    }
  }

  /**
   * Continues a node waiting for a callback ({@code wait call-back}, {@code clean wait}, {@code
   * inspect wait}, {@code rescue wait}, {@code service wait}): the callback arrived.
   */
  public ActionHandle continueNode(String ident) {
    requireOpen();
    try (Task task = tasks.acquire(ident, "continue", LockMode.EXCLUSIVE)) {
      task.spawnAfter("resume", null, ProvisionFlows.work(null));
      return task.handOff();
    }
  }

  // ---- deploy ramdisk agents ----

  /**
   * Finds the node a deploy ramdisk's agent runs on, by the MAC addresses of its ports and/or its
   * UUID, and gives the agent its token. Only a node in a state where an agent is expected ({@code
   * deploying}, {@code wait call-back}, {@code cleaning}, {@code clean wait}, {@code inspecting},
   * {@code inspect wait}, {@code rescuing}, {@code rescue wait}, {@code servicing}, {@code service
   * wait}) is found. Addresses that are not MAC addresses are ignored. With a UUID, an address that
   * belongs to another node's port makes the lookup fail. The first lookup while the node has no
   * token makes one and stores it (under the node's reservation) before returning it; later ones
   * show {@link Secrets#MASK} in its place.
   *
   * @param addresses MAC addresses of the machine's network interfaces, or {@code null}
   * @param nodeUuid the node's UUID, or {@code null}
   * @throws InvalidParameterException when neither a valid address nor a UUID is given, or the UUID
   *     is malformed
   * @throws NodeNotFoundException ("Resource could not be found.") when no node matches, several
   *     do, or the node is in a state where no agent is expected
   * @throws NodeLockedException when the node stays busy while its token is to be made
   */
  public AgentLookup lookup(List<String> addresses, String nodeUuid) {
    return agents.lookup(addresses, nodeUuid);
  }

  /**
   * A heartbeat from the deploy ramdisk's agent on node {@code ident}, as {@link
   * #agentHeartbeat(String, String, String, String, String)} without a certificate.
   */
  public ActionHandle agentHeartbeat(
      String ident, String callbackUrl, String token, String agentVersion) {
    return agents.heartbeat(ident, callbackUrl, token, agentVersion, null);
  }

  /**
   * A heartbeat from the deploy ramdisk's agent on node {@code ident}. With the node's agent token,
   * and a callback URL the {@code agent-allowed-networks} setting allows, it records in {@code
   * driver_internal_info} where the agent listens ({@code agent_url}, normalized), its version
   * ({@code agent_version}), when it was heard ({@code agent_last_heartbeat}) and its certificate
   * ({@code agent_verify_ca}, if sent). If the node waits for its agent ({@code wait call-back},
   * {@code clean wait}, {@code rescue wait}, {@code service wait}) and is not in maintenance, the
   * heartbeat continues it as {@link #continueNode} does, the record written with the event. A node
   * in a state where no agent is expected records nothing.
   *
   * @param verifyCa the PEM certificate the agent's TLS endpoint presents, or {@code null}
   * @return the handle of the continued work, or {@code null} when the node was not continued
   * @throws InvalidAgentTokenException without the node's token
   * @throws InvalidParameterException for a callback URL outside the allowlist or different from
   *     the one recorded, or a malformed version or certificate
   * @throws NodeNotFoundException for an unknown node
   * @throws NodeLockedException when the node stays busy; nothing was written
   * @throws NoFreeWorkerException when no worker is free to continue the node; nothing was written
   */
  public ActionHandle agentHeartbeat(
      String ident, String callbackUrl, String token, String agentVersion, String verifyCa) {
    return agents.heartbeat(ident, callbackUrl, token, agentVersion, verifyCa);
  }

  /**
   * The power request {@code target} names, once it and {@code timeout} are checked.
   *
   * @throws InvalidParameterException for an unknown target or a timeout that is not positive
   */
  static PowerRequest powerRequest(String target, Duration timeout) {
    PowerRequest request =
        PowerRequest.fromApiTarget(target)
            .orElseThrow(
                () ->
                    new InvalidParameterException(
                        "Unknown power target \""
                            + target
                            + "\"; valid targets: power on, power off, rebooting, soft rebooting,"
                            + " soft power off"));
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new InvalidParameterException("The power timeout must be a positive number of seconds");
    }
    return request;
  }

  /**
   * Requests a power change: {@code power on}, {@code power off}, {@code rebooting}, {@code soft
   * rebooting} or {@code soft power off}. While it runs the node shows the request's target as
   * {@code target_power_state}.
   *
   * @param timeout for soft requests, how long the operating system gets; {@code null} for the
   *     default (10 minutes)
   * @throws InvalidParameterException for an unknown target, a bad timeout or bad driver_info
   * @throws InvalidStateRequestedException while cleaning, or for a soft request on a node that is
   *     not on
   * @throws DriverFailedException when the power interface's configuration check fails or passes
   *     its deadline
   */
  public ActionHandle power(String ident, String target, Duration timeout) {
    PowerRequest request = powerRequest(target, timeout);
    requireOpen();
    try (Task task = tasks.acquire(ident, "power " + target, LockMode.EXCLUSIVE)) {
      Node node = task.node();
      if (node.provisionState().equals(ProvisionState.CLEANING.value())
          || node.provisionState().equals(ProvisionState.CLEAN_WAIT.value())) {
        throw new InvalidStateRequestedException(
            "The power state of node "
                + node.label()
                + " can not be changed while it is in state \""
                + node.provisionState()
                + "\".");
      }
      try {
        task.driver().power().validate(task.driverNode());
      } catch (InvalidDriverInfoException
          | io.ferrum.driver.UnsupportedDriverOperationException e) {
        throw new InvalidParameterException(e.getMessage(), e);
      } catch (io.ferrum.driver.DriverException e) {
        // Past its deadline, or the hardware refused: try again later (the lock is released).
        throw new DriverFailedException(
            "Could not check the power settings of node " + node.label() + ": " + e.getMessage(),
            e);
      }
      task.spawnPowerAfter(
          request, PowerFlows.work(request, PowerFlows.softTimeout(request, timeout)));
      return task.handOff();
    }
  }

  // ---- lifecycle ----

  /**
   * Starts the periodic tasks, each on its own thread: heartbeat, takeover of dead conductors,
   * reservation recovery, and, for the nodes the hash ring gives this conductor, timeouts and power
   * sync.
   */
  private void schedulePeriodicTasks(
      Duration heartbeatInterval, Duration timeoutCheckInterval, Duration powerSyncInterval) {
    heartbeats = periodics.task("heartbeat", membership::beat).every(heartbeatInterval);
    periodics.task("node-counts", ctx.counts::reconcile).every(Duration.ofSeconds(30));
    periodics.task("takeover", this::takeOverDeadConductors).every(heartbeatInterval);
    recovery.schedule(
        periodics.task(
            "recovery",
            () -> {
              if (!membership.standingDown()) {
                recovery.run();
              }
            }));
    periodics
        .task(
            "allocations",
            () -> {
              if (!membership.standingDown()) {
                allocations.recover();
              }
            })
        .every(recoveryInterval);
    periodics
        .task(
            "bulk-settle",
            () -> {
              if (!membership.standingDown()) {
                bulk.settle();
              }
            })
        .every(recoveryInterval);
    periodics
        .task(
            "timeouts",
            () -> timeouts.check(e -> membership.owns(e.conductorGroup(), e.driver(), e.uuid())))
        .every(timeoutCheckInterval);
    periodics
        .task(
            "power-sync",
            () ->
                powerSync.sweep(
                    n -> membership.owns(n.conductorGroup(), n.driver(), n.uuid()),
                    powerSyncInterval))
        .startingEvery(powerSyncInterval);
  }

  /**
   * Stops: takes no new work, stops the periodic tasks but the heartbeat and leaves the hash rings
   * (the other conductors take over the periodic work of its nodes at their next heartbeat); lets
   * running jobs finish within the shutdown deadline, heartbeating meanwhile so that nothing it
   * holds looks dead, then interrupts them; fails the nodes of jobs still running after that (their
   * late writes are fenced out) and repairs whatever else this conductor left behind; then gives
   * back every reservation it holds, stops heartbeating and frees its name. If the database fails
   * meanwhile, the name stays taken: once its heartbeat is old, a peer (or this conductor's next
   * start) takes its nodes over. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    periodics.shutdown(Duration.ofSeconds(5), heartbeats);
    try {
      membership.startLeaving();
    } catch (RuntimeException e) {
      LOG.warn(
          "Conductor {}: could not leave the hash rings: {}; its peers rebalance once its"
              + " heartbeat is old",
          ctx.name,
          e.getMessage());
    }
    bulk.stop(Duration.ofSeconds(5));
    boolean clean = ctx.pool.shutdown(shutdownDeadline);
    bulk.flush();
    if (!clean) {
      LOG.warn(
          "Conductor {}: work still running after {}; interrupted", ctx.name, shutdownDeadline);
    }
    try {
      if (!membership.standingDown()) {
        int repaired = recovery.pass(ReservationRecovery.Occasion.SHUTDOWN);
        if (repaired > 0) {
          LOG.warn("Conductor {}: repaired {} node(s) at shutdown", ctx.name, repaired);
        }
        if (heartbeats != null) {
          heartbeats.stop(Duration.ofSeconds(5));
        }
        membership.leave();
      }
    } catch (RuntimeException e) {
      LOG.error(
          "Conductor {}: could not clean up at shutdown; its next start recovers what is left",
          ctx.name,
          e);
    } finally {
      if (heartbeats != null) {
        heartbeats.stop(Duration.ofSeconds(5));
      }
      powerSync.shutdown();
      ctx.driverCalls.shutdown();
    }
  }

  /** The write found the node no longer reserved by this conductor (or gone): say so. */
  private LockLostException lockLost(Node node, String what) {
    return new LockLostException(
        "Node "
            + node.label()
            + " is no longer reserved by conductor "
            + ctx.name
            + " (or was deleted); its "
            + what
            + " was not applied");
  }

  private void requireOpen() {
    if (closed) {
      throw new NoFreeWorkerException("Conductor " + ctx.name + " is stopping");
    }
    if (membership.standingDown()) {
      throw new NoFreeWorkerException(
          "Conductor "
              + ctx.name
              + " was replaced by another process under its name; it takes no new work");
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && NodeStore.UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static String conductorGroupOf(Object value) {
    if (value == null) {
      return "";
    }
    String group = value instanceof String text ? text.toLowerCase(Locale.ROOT) : null;
    if (group == null || !CONDUCTOR_GROUP.matcher(group).matches()) {
      throw new InvalidParameterException(
          "conductor_group must be a string of up to 255 letters, digits, '.', '-' or '_', not "
              + value);
    }
    return group;
  }

  private static void validateName(String name) {
    if (name == null) {
      return;
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidParameterException(
          "\""
              + name
              + "\" is not a valid node name: use 1 to 255 letters, digits, '-', '_', '.' or '~'");
    }
    if (ConductorContext.looksLikeUuid(name)) {
      throw new InvalidParameterException("A node name can not be a UUID: \"" + name + "\"");
    }
  }

  /**
   * Builds a {@link Conductor}. Only the data source is required.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private DataSource dataSource;
    private String name;
    private int workers = 16;
    private WorkerPool pool;
    private Set<String> enabledHardwareTypes;
    private final List<HardwareType> hardwareTypes = new ArrayList<>();
    private NotificationSink sink = new LoggingNotificationSink();
    private Clock clock = Clock.systemUTC();
    private Duration lockWait = Duration.ofSeconds(2);
    private Duration recoveryInterval = Duration.ofSeconds(15);
    private String conductorGroup = "";
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(60);
    private Runnable onStandDown = () -> {};
    private boolean periodicTasks = true;
    private Clock livenessClock;
    private TaskProbe probe = TaskProbe.NONE;
    private boolean soleConductor;
    private Duration unknownOutcomeWait = Duration.ofSeconds(10);
    private Duration workerStartWait = Duration.ofSeconds(30);
    private boolean waitForPreviousInstance;
    private final Map<String, Duration> driverCallTimeouts = new java.util.HashMap<>();
    private Duration shutdownDeadline = Duration.ofSeconds(60);
    private boolean migrate = true;
    private Duration callbackTimeout = Duration.ofMinutes(30);
    private Duration timeoutCheckInterval = Duration.ofSeconds(60);
    private Duration powerSyncInterval = Duration.ofSeconds(120);
    private PowerSyncPolicy powerSyncPolicy = PowerSyncPolicy.OBSERVE;
    private int powerSyncMaxRetries = 3;
    private int powerSyncConcurrency = PowerSync.DEFAULT_CONCURRENCY;
    private int powerSyncBatchSize = PowerSync.DEFAULT_BATCH_SIZE;
    private final Map<String, String> driverSettings = new java.util.TreeMap<>();

    private Builder() {}

    /** The database (pooled, ideally: see {@link Databases#pooled}). Required. */
    public Builder dataSource(DataSource value) {
      this.dataSource = value;
      return this;
    }

    /** The name written into reservations; default: this host's name. Unique per conductor. */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /** The worker pool's size (default 16), for the built-in bounded pool. */
    public Builder workers(int value) {
      this.workers = value;
      return this;
    }

    /** A worker pool of your own, e.g. {@link SynchronousWorkerPool} for tests. */
    public Builder workerPool(WorkerPool value) {
      this.pool = value;
      return this;
    }

    /** Which hardware types to enable (default: every one found). */
    public Builder enabledHardwareTypes(Set<String> names) {
      this.enabledHardwareTypes = new LinkedHashSet<>(names);
      return this;
    }

    /** Adds a hardware type that is not registered through ServiceLoader. */
    public Builder hardwareType(HardwareType type) {
      this.hardwareTypes.add(type);
      return this;
    }

    /**
     * Sets one of the operator's settings for hardware types, such as {@code libvirt-allowed-uris}
     * or {@code image-allowed-dirs} (see {@link io.ferrum.driver.DriverSettings}); every hardware
     * type receives them all at {@link #build()}. Unset names keep each hardware type's default.
     */
    public Builder driverSetting(String name, String value) {
      this.driverSettings.put(name, value);
      return this;
    }

    /** Where notifications go (default: JSON lines on the {@code ferrum.notifications} logger). */
    public Builder notificationSink(NotificationSink value) {
      this.sink = value;
      return this;
    }

    /** The clock for timestamps (default: UTC system clock). */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /**
     * How long a request waits for a busy node before {@link NodeLockedException} (default 2 s, the
     * total of Ironic's 3 attempts 1 s apart). Retries start after 10 ms and double, at most half a
     * second apart, so a node released a moment later is taken a moment later. Zero: one attempt.
     */
    public Builder lockWait(Duration value) {
      this.lockWait = value;
      return this;
    }

    /**
     * This conductor's conductor group (default {@code ""}, Ironic's default group): it runs the
     * periodic work of nodes of this group only. Letters, digits, {@code .}, {@code -} and {@code
     * _}, at most 255, stored in lower case.
     */
    public Builder conductorGroup(String value) {
      this.conductorGroup = value;
      return this;
    }

    /**
     * How often this conductor heartbeats (default 10 s), and how old a heartbeat may be before its
     * conductor counts as dead (default 60 s, Ironic's), on the database's clock. Live conductors
     * take over a dead one's nodes within one interval after the timeout.
     */
    public Builder heartbeat(Duration interval, Duration timeout) {
      this.heartbeatInterval = interval;
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * What to do if another process registers under this conductor's name while this one looked
     * dead (a long pause, a broken database link): this conductor stops acting on nodes either way;
     * a daemon would exit.
     */
    public Builder onStandDown(Runnable action) {
      this.onStandDown = action;
      return this;
    }

    /**
     * Whether this conductor runs its periodic tasks on threads of its own (default true). Turned
     * off, it starts no thread for them at all, reservation recovery's retries included, and the
     * embedder runs them itself, in any order and at any time it likes: {@link
     * Conductor#heartbeat()}, {@link Conductor#takeOverDeadConductors()}, {@link
     * Conductor#recoverReservations()}, {@link Conductor#checkTimeouts()}, {@link
     * Conductor#syncPowerStates()}, {@code bulk().settle()}. For deterministic simulation, with a
     * {@link SynchronousWorkerPool}, driver deadlines of zero and a lock wait of zero.
     */
    public Builder periodicTasks(boolean value) {
      this.periodicTasks = value;
      return this;
    }

    /**
     * How long a job keeps reading back a write whose outcome the database left unknown (the
     * connection failed around its commit: the change may or may not have landed) before it leaves
     * the node to reservation recovery (default 10 s; zero: at once). Reading it back tells the job
     * whether to announce the change and go on, so a database restart shorter than this loses no
     * notification; the wait holds the job's worker.
     */
    public Builder unknownOutcomeWait(Duration value) {
      if (value == null || value.isNegative()) {
        throw new InvalidParameterException("The unknown-outcome wait must be zero or more");
      }
      this.unknownOutcomeWait = value;
      return this;
    }

    /**
     * How long a request waits for a worker to start the job the worker pool accepted (default 30
     * s). A pool that counts a worker free only when it can take the next job starts it at once; a
     * pool that accepts a job and then does not run it, or completes its future without running it,
     * would otherwise hold the request and the node's lock for ever. Past the wait the request
     * takes the job back (it will not run even if a worker picks it up later), releases the node
     * untouched and fails with {@link NoFreeWorkerException}. A job already started is waited for:
     * its own writes are bounded by the database's timeouts.
     */
    public Builder workerStartWait(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new InvalidParameterException("The worker start wait must be more than zero");
      }
      this.workerStartWait = value;
      return this;
    }

    /**
     * Whether this conductor is the only process using its database, as when it holds an embedded
     * database's files locked (default false). Then a name that looks alive at start-up belongs to
     * this conductor's own previous run, killed, and is taken at once; and no peer can declare it
     * dead, so it never fences its driver calls.
     */
    public Builder soleConductor(boolean value) {
      this.soleConductor = value;
      return this;
    }

    /**
     * Whether, at start-up, to wait out a previous instance under this conductor's name that looks
     * alive but no longer heartbeats (the same conductor, killed and restarted within the heartbeat
     * timeout) rather than fail (default false). If it heartbeats meanwhile, it is alive, and
     * start-up fails with {@link ConductorNameInUseException} either way.
     */
    public Builder waitForPreviousInstance(boolean value) {
      this.waitForPreviousInstance = value;
      return this;
    }

    /**
     * The clock heartbeats are written and judged by (default: the database's own, the only safe
     * choice when several processes share the database, since their own clocks may disagree). For a
     * simulation that drives time itself, in one process.
     */
    public Builder livenessClock(Clock value) {
      this.livenessClock = value;
      return this;
    }

    /**
     * What hears of the moments a task may be cut short by a crash of the process (default {@link
     * TaskProbe#NONE}): for a deterministic simulation that crashes conductors at those moments.
     */
    public Builder taskProbe(TaskProbe value) {
      this.probe = value == null ? TaskProbe.NONE : value;
      return this;
    }

    /**
     * How often reservations and nodes this conductor's tasks left behind, and allocations left in
     * progress ({@link Allocations#recover}), are looked for and repaired (default 15 s; zero turns
     * the periodic pass off, but a failed release still asks for one soon).
     */
    public Builder recoveryInterval(Duration value) {
      this.recoveryInterval = value;
      return this;
    }

    /**
     * The deadline of every call to hardware interface {@code hardwareInterface} ({@code power},
     * {@code management}, {@code boot}, {@code deploy}, {@code clean}, {@code inspect}, {@code
     * rescue}), or of every interface's configuration check ({@code validate}). Defaults: 10 s for
     * validate, 60 s for power and management, 10 minutes for boot, 30 minutes for the others; a
     * call given a timeout of its own (a soft power off) gets that much more. A call past its
     * deadline fails its operation ({@code last_error} says which call) and frees the node, even if
     * the driver's thread never returns. Zero runs the calls on the caller's thread without a
     * deadline (for deterministic tests).
     */
    public Builder driverCallTimeout(String hardwareInterface, Duration value) {
      if (value == null || value.isNegative()) {
        throw new InvalidParameterException(
            "The deadline of " + hardwareInterface + " calls must be zero or more");
      }
      this.driverCallTimeouts.put(hardwareInterface, value);
      return this;
    }

    /** How long {@link Conductor#close()} lets running work finish (default 60 s). */
    public Builder shutdownDeadline(Duration value) {
      this.shutdownDeadline = value;
      return this;
    }

    /**
     * How long a node may wait for a callback ({@code wait call-back}, {@code clean wait}, {@code
     * inspect wait}, {@code rescue wait}, {@code service wait}) before it takes its {@code fail}
     * edge (default 30 minutes, Ironic's).
     */
    public Builder callbackTimeout(Duration value) {
      this.callbackTimeout = value;
      return this;
    }

    /** How often expired waits are looked for (default 60 s; zero turns the check off). */
    public Builder timeoutCheckInterval(Duration value) {
      this.timeoutCheckInterval = value;
      return this;
    }

    /**
     * How often power states are synced with the hardware, from one sweep's start to the next's
     * (default 120 s; zero: never). A sweep waits for its reads at most until the next is due; a
     * read still in flight then (a hung BMC) is handled when it ends, and its node is skipped until
     * then.
     */
    public Builder powerSyncInterval(Duration value) {
      this.powerSyncInterval = value;
      return this;
    }

    /**
     * The power sync's default policy (default {@link PowerSyncPolicy#OBSERVE}), and how many
     * consecutive failures or disagreements it tolerates (default 3, Ironic's): after that many
     * failed reads a node goes into maintenance with fault {@code power failure}; under {@code
     * ENFORCE}, a disagreement seen that many times in a row is pushed back to the hardware.
     */
    public Builder powerSync(PowerSyncPolicy policy, int maxRetries) {
      this.powerSyncPolicy = policy;
      this.powerSyncMaxRetries = maxRetries;
      return this;
    }

    /**
     * How many power reads the power sync runs at once, sweeps together (default 1,000: with BMCs
     * answering in one second, 100,000 nodes in about 100 s), and how many nodes it reads from the
     * database per batch (default 1,000). Each read in flight holds one driver thread.
     */
    public Builder powerSyncConcurrency(int concurrency, int batchSize) {
      if (concurrency < 1 || batchSize < 1) {
        throw new InvalidParameterException(
            "The power sync's concurrency and batch size must be at least 1");
      }
      this.powerSyncConcurrency = concurrency;
      this.powerSyncBatchSize = batchSize;
      return this;
    }

    /** Whether to apply database migrations at start (default true). */
    public Builder migrate(boolean value) {
      this.migrate = value;
      return this;
    }

    /**
     * Migrates the database (unless told not to), registers the conductor, repairs what a previous
     * run under the same name left behind (its reservations are released; nodes it left in a
     * working state take their {@code fail} edge; power changes it left pending are cleared),
     * starts the periodic tasks and returns the running conductor.
     *
     * @throws InvalidParameterException for missing or contradictory settings
     * @throws DatabaseException if the database cannot be reached or migrated
     */
    public Conductor build() {
      if (dataSource == null) {
        throw new InvalidParameterException("Conductor.builder() needs a dataSource");
      }
      if (lockWait == null || lockWait.isNegative()) {
        throw new InvalidParameterException("The lock wait must be zero or more");
      }
      if (heartbeatInterval == null
          || heartbeatTimeout == null
          || heartbeatInterval.isNegative()
          || heartbeatInterval.isZero()
          || heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
        throw new InvalidParameterException(
            "The heartbeat interval must be positive and shorter than the heartbeat timeout");
      }
      String group = conductorGroup == null ? "" : conductorGroup.toLowerCase(Locale.ROOT);
      if (!CONDUCTOR_GROUP.matcher(group).matches()) {
        throw new InvalidParameterException(
            "\""
                + conductorGroup
                + "\" is not a valid conductor group: use up to 255 letters, digits, '.', '-' or"
                + " '_'");
      }
      String conductorName = name == null ? hostName() : name;
      DriverRegistry drivers;
      try {
        drivers =
            DriverRegistry.load(
                hardwareTypes, enabledHardwareTypes, Conductor.class.getClassLoader());
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(e.getMessage(), e);
      }
      io.ferrum.driver.DriverSettings settings = io.ferrum.driver.DriverSettings.of(driverSettings);
      drivers.configure(settings);
      io.ferrum.driver.AgentCallbackPolicy agentCallbacks;
      try {
        agentCallbacks = io.ferrum.driver.AgentCallbackPolicy.from(settings);
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(e.getMessage(), e);
      }
      if (migrate) {
        try {
          Migrations.migrate(dataSource);
        } catch (RuntimeException e) {
          throw new DatabaseException("Could not migrate the database: " + e.getMessage(), e);
        }
      }
      WorkerPool workerPool = pool != null ? pool : new BoundedWorkerPool(conductorName, workers);
      Jdbi jdbi = Jdbi.create(dataSource);
      Dialect dialect;
      try {
        dialect = jdbi.withHandle(h -> Dialect.of(h.getConnection()));
      } catch (JdbiException | java.sql.SQLException e) {
        throw new DatabaseException("Could not reach the database: " + e.getMessage(), e);
      }
      DriverCalls driverCalls =
          new DriverCalls(
              conductorName,
              driverCallTimeouts,
              workerPool.capacity() == Integer.MAX_VALUE
                  ? 1024
                  : Math.min(workerPool.capacity(), 4096) + powerSyncConcurrency + 64);
      ConductorContext ctx =
          new ConductorContext(
              jdbi,
              dialect,
              conductorName,
              clock,
              workerPool,
              sink,
              drivers,
              driverCalls,
              lockWait,
              callbackTimeout,
              unknownOutcomeWait,
              workerStartWait);
      ctx.probe = probe;
      Membership membership =
          new Membership(ctx, group, heartbeatTimeout, onStandDown, livenessClock, soleConductor);
      driverCalls.fence(membership::refusal);
      try {
        membership.register(String.join(",", drivers.names()), waitForPreviousInstance);
      } catch (RuntimeException e) {
        driverCalls.shutdown();
        throw e;
      }
      Conductor conductor =
          new Conductor(
              ctx,
              shutdownDeadline,
              powerSyncPolicy,
              powerSyncMaxRetries,
              powerSyncConcurrency,
              powerSyncBatchSize,
              recoveryInterval,
              membership,
              agentCallbacks);
      ctx.counts.reconcile();
      int repaired = conductor.recovery.pass(ReservationRecovery.Occasion.STARTUP);
      if (repaired > 0) {
        LOG.warn(
            "Conductor {}: repaired {} node(s) its previous run left behind",
            conductorName,
            repaired);
      }
      try {
        conductor.allocations.recover();
      } catch (RuntimeException e) {
        LOG.warn(
            "Conductor {}: could not look for allocations left in progress ({}); the periodic"
                + " pass retries",
            conductorName,
            e.getMessage());
      }
      if (periodicTasks) {
        conductor.schedulePeriodicTasks(heartbeatInterval, timeoutCheckInterval, powerSyncInterval);
      }
      return conductor;
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    }
  }
}
