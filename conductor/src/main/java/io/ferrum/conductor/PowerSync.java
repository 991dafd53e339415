package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareType;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic power-state sync: compares every eligible node's stored power state with what its
 * hardware says, and applies the node's {@link PowerSyncPolicy} on disagreement.
 *
 * <p>A sweep walks the nodes table in batches by primary key (only the columns a power read needs,
 * JSON parsed just before the read), so its memory does not grow with the fleet. Reads take no lock
 * and run concurrently, at most {@code concurrency} at a time, each on a driver thread within the
 * power interface's deadline: a slow BMC costs one slot for one read, a hung one for one deadline.
 * A node has at most one read in flight: a sweep skips a node whose read (started by an earlier
 * sweep that did not wait for it) has not been handled yet. The results are handled by a few
 * threads of their own: a node whose stored state matches costs nothing more; a change takes the
 * node's exclusive lock and re-checks, under it, that the node is still as the read found it. A
 * failure on one node is logged and never stops the sweep.
 *
 * <p>Thread-safe; sweeps may overlap (a periodic one and one run by hand, or one that stopped
 * waiting for a hung read and the next).
 */
final class PowerSync {

  private static final Logger LOG = LoggerFactory.getLogger(PowerSync.class);

  /** Default reads in flight at once: enough for 100,000 nodes at one second a read in 120 s. */
  static final int DEFAULT_CONCURRENCY = 1000;

  /** Default nodes read from the database per batch. */
  static final int DEFAULT_BATCH_SIZE = 1000;

  private static final List<String> EXCLUDED =
      ProvisionMachine.POWER_SYNC_EXCLUDED_STATES.stream().map(ProvisionState::value).toList();

  private final ConductorContext ctx;
  private final TaskManager tasks;
  private final PowerSyncPolicy defaultPolicy;
  private final int maxRetries;
  private final int concurrency;
  private final int batchSize;
  private final ExecutorService results;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Map<String, Integer> disagreements = new ConcurrentHashMap<>();

  /** Free read slots, shared by all sweeps: a sweep may end while its reads still run. */
  private final Semaphore slots;

  /**
   * The nodes (by UUID) whose read is in flight: started, and not both handled and returned from
   * the driver. A read abandoned at its deadline is handled (a failure) while its thread may still
   * be stuck in the driver; its node stays here until that thread returns, so a node never has two
   * driver threads reading it.
   */
  private final Map<String, Read> reading = new ConcurrentHashMap<>();

  /**
   * One read in flight: whether its result was handled and whether its driver thread returned; it
   * leaves {@link #reading} once both happened.
   */
  private static final class Read {
    final java.util.concurrent.atomic.AtomicInteger pending =
        new java.util.concurrent.atomic.AtomicInteger(2); // handled, and returned
    volatile boolean handled;
    volatile boolean returned;

    /** Handled (abandoned at its deadline) while its driver thread is still in the driver. */
    boolean stuck() {
      return handled && !returned;
    }
  }

  PowerSync(
      ConductorContext ctx,
      TaskManager tasks,
      PowerSyncPolicy defaultPolicy,
      int maxRetries,
      int concurrency,
      int batchSize) {
    this.ctx = ctx;
    this.tasks = tasks;
    this.defaultPolicy = defaultPolicy;
    this.maxRetries = maxRetries;
    this.concurrency = concurrency;
    this.batchSize = batchSize;
    this.slots = new Semaphore(concurrency);
    AtomicInteger counter = new AtomicInteger();
    this.results =
        Executors.newFixedThreadPool(
            Math.min(concurrency, 16),
            r -> {
              Thread thread = new Thread(r, ctx.name + "-power-sync-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * One sweep over every eligible node; returns how many nodes were changed, once every read it
   * started has been handled.
   */
  int sweep() {
    return sweep(node -> true, null);
  }

  /**
   * One sweep over the eligible nodes {@code mine} accepts; returns how many were changed by the
   * reads handled before it returned.
   *
   * <p>It returns once every read it started has been handled, or once {@code period} (when not
   * null) has passed since it started, whichever comes first: a read still in flight then (a hung
   * BMC, until the power deadline) is handled when it ends, and until then later sweeps skip its
   * node, so a node never has two reads in flight and the others are read every period. A read
   * abandoned at its deadline keeps its node until its driver thread returns; a sweep that finds it
   * still in the driver counts a failed read instead of starting another. Reads of all sweeps
   * together stay within {@code concurrency}; a sweep that finds every slot taken waits for one.
   */
  int sweep(Predicate<NodeStore.SyncCandidate> mine, Duration period) {
    if (ctx.driverCalls.deadline("power").isZero()) {
      return sweepInline(mine);
    }
    long start = System.nanoTime();
    Phaser inFlight = new Phaser(1);
    AtomicInteger changed = new AtomicInteger();
    long after = 0;
    try {
      while (true) {
        long from = after;
        List<NodeStore.SyncCandidate> batch =
            ctx.withHandle(
                "find nodes to sync", h -> NodeStore.powerSyncBatch(h, EXCLUDED, from, batchSize));
        if (batch.isEmpty()) {
          break;
        }
        after = batch.get(batch.size() - 1).id();
        for (NodeStore.SyncCandidate node : batch) {
          if (mine.test(node)) {
            start(node, inFlight, changed);
          }
        }
        if (batch.size() < batchSize) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping: no wait below, the reads end on their own
    } finally {
      awaitReads(inFlight, period == null ? -1 : start + period.toNanos());
    }
    return changed.get();
  }

  /**
   * Starts the read of {@code node} unless one is still in flight (then the node waits for a later
   * sweep), once a slot is free. Whatever happens to the read, its node, slot and party in {@code
   * inFlight} are given back exactly once.
   */
  private void start(NodeStore.SyncCandidate node, Phaser inFlight, AtomicInteger changed)
      throws InterruptedException {
    Read read = new Read();
    Read previous = reading.putIfAbsent(node.uuid(), read);
    if (previous != null) {
      if (previous.stuck()) {
        // Its last read passed its deadline and its thread is still in the driver: this sweep
        // cannot read the node either, which counts as a failed read.
        countStuck(node);
      } else {
        LOG.debug("Power sync skips node {}: its previous read is still in flight", node.label());
      }
      return;
    }
    Runnable leave =
        () -> {
          if (read.pending.decrementAndGet() == 0) {
            reading.remove(node.uuid(), read);
          }
        };
    Runnable returned =
        () -> {
          // Before leaving: a sweep that still sees this read must not count it as stuck.
          read.returned = true;
          leave.run();
        };
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      reading.remove(node.uuid(), read);
      throw e;
    }
    try {
      inFlight.register();
    } catch (RuntimeException e) {
      reading.remove(node.uuid(), read);
      slots.release();
      throw e;
    }
    Runnable done =
        () -> {
          read.handled = true;
          leave.run();
          slots.release();
          inFlight.arriveAndDeregister();
        };
    CompletableFuture<DriverPowerState> handled;
    try {
      handled =
          read(node, returned)
              .whenCompleteAsync(
                  (actual, failure) -> {
                    if (handle(node, actual, failure)) {
                      changed.incrementAndGet();
                    }
                  },
                  results);
    } catch (RuntimeException | Error e) {
      reading.remove(node.uuid(), read);
      slots.release();
      inFlight.arriveAndDeregister();
      throw e;
    }
    // Runs on whichever thread completes the handling, even when the handler threads are stopped
    // and never run it.
    handled.whenComplete((ignored, failure) -> done.run());
  }

  /** Counts a sweep that found the node's abandoned read still stuck in the driver. */
  private void countStuck(NodeStore.SyncCandidate node) {
    DriverTimeoutException stuck =
        new DriverTimeoutException(
            "The previous power read of node "
                + node.label()
                + " passed its deadline and has still not returned from the driver");
    try {
      results.execute(() -> handle(node, null, stuck));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("Power sync stopping; node {} not counted", node.label());
    }
  }

  /**
   * Waits until every read of the sweep has been handled, or until {@code until} ({@link
   * System#nanoTime}; negative: no limit), or an interrupt.
   */
  private static void awaitReads(Phaser inFlight, long until) {
    int phase = inFlight.arrive();
    try {
      if (until < 0) {
        inFlight.awaitAdvanceInterruptibly(phase);
      } else {
        inFlight.awaitAdvanceInterruptibly(
            phase, Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      LOG.debug(
          "Power sync: {} read(s) still in flight when the next sweep is due",
          inFlight.getUnarrivedParties());
    }
  }

  /**
   * The sweep when power calls run on the caller's thread (a power deadline of zero, for
   * deterministic tests): one node after the other, in id order, nothing on other threads.
   */
  private int sweepInline(Predicate<NodeStore.SyncCandidate> mine) {
    int changed = 0;
    long after = 0;
    while (true) {
      long from = after;
      List<NodeStore.SyncCandidate> batch =
          ctx.withHandle(
              "find nodes to sync", h -> NodeStore.powerSyncBatch(h, EXCLUDED, from, batchSize));
      if (batch.isEmpty()) {
        return changed;
      }
      after = batch.get(batch.size() - 1).id();
      for (NodeStore.SyncCandidate node : batch) {
        if (!mine.test(node)) {
          continue;
        }
        DriverPowerState read = null;
        Throwable failure = null;
        try {
          read =
              ctx.drivers
                  .require(node.driver())
                  .power()
                  .getPowerState(
                      new DriverNode(
                          node.uuid(),
                          node.name(),
                          node.driver(),
                          node.driverInfo(),
                          node.instanceInfo(),
                          node.properties()));
        } catch (Throwable t) { // NOPMD: a read's failure is the sync's to count
          failure = t;
        }
        changed += handle(node, read, failure) ? 1 : 0;
      }
      if (batch.size() < batchSize) {
        return changed;
      }
    }
  }

  /** Stops the threads that handle results. */
  void shutdown() {
    results.shutdownNow();
  }

  /** Reads the node's power state; {@code returned} runs once no driver thread is in the read. */
  private CompletableFuture<DriverPowerState> read(
      NodeStore.SyncCandidate node, Runnable returned) {
    HardwareType driver;
    DriverNode target;
    try {
      driver = ctx.drivers.require(node.driver());
      target =
          new DriverNode(
              node.uuid(),
              node.name(),
              node.driver(),
              node.driverInfo(),
              node.instanceInfo(),
              node.properties());
    } catch (RuntimeException e) {
      returned.run();
      return CompletableFuture.failedFuture(e);
    }
    return ctx.driverCalls.callAsync(
        "power.getPowerState",
        ctx.driverCalls.deadline("power"),
        () -> driver.power().getPowerState(target),
        returned);
  }

  /** Handles one read; returns whether the node was changed. Never throws. */
  private boolean handle(NodeStore.SyncCandidate node, DriverPowerState read, Throwable failure) {
    try {
      return sync(node, failure == null ? Task.powerValue(read) : "error", unwrap(failure));
    } catch (NodeLockedException | NodeNotFoundException | LockLostException e) {
      LOG.debug("Power sync skips node {}: {}", node.label(), e.getMessage());
    } catch (Throwable e) { // NOPMD: one node's failure must not stop the sweep
      if (Task.expected(e)) {
        LOG.warn("Power sync of node {} failed: {}", node.label(), Task.describe(e));
      } else {
        LOG.warn("Power sync of node {} failed: {}", node.label(), Task.describe(e), e);
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private boolean sync(NodeStore.SyncCandidate node, String actual, Throwable failure) {
    if (actual == null || "error".equals(actual)) {
      return readFailed(node, failure);
    }
    failures.remove(node.uuid());
    if (actual.equals(node.powerState())) {
      disagreements.remove(node.uuid());
      return false;
    }
    try (Task task = tasks.acquire(node.uuid(), "power sync", LockMode.EXCLUSIVE)) {
      Node current = task.node();
      if (!unchangedSince(node, current)) {
        return false; // someone acted meanwhile
      }
      PowerSyncPolicy policy = policyOf(current);
      if (current.powerState() == null || policy == PowerSyncPolicy.OBSERVE) {
        correctPowerState(task, actual);
        disagreements.remove(node.uuid());
        return true;
      }
      int seen = disagreements.merge(node.uuid(), 1, Integer::sum);
      if (seen < maxRetries) {
        return false;
      }
      disagreements.remove(node.uuid());
      DriverPowerState stored =
          current.powerState().equals("power on")
              ? DriverPowerState.POWER_ON
              : DriverPowerState.POWER_OFF;
      task.driver().power().setPowerState(task.driverNode(), stored, false, Duration.ZERO);
      recordPowerEnforced(task, actual);
      LOG.warn(
          "Power sync pushed \"{}\" back to node {} (hardware said \"{}\")",
          current.powerState(),
          node.label(),
          actual);
      return true;
    }
  }

  /** The read failed: count it, and past the allowed retries put the node in maintenance. */
  private boolean readFailed(NodeStore.SyncCandidate node, Throwable failure) {
    int count = failures.merge(node.uuid(), 1, Integer::sum);
    if (count <= maxRetries) {
      LOG.warn("Power sync could not read node {} ({} of {})", node.label(), count, maxRetries);
      return false;
    }
    try (Task task = tasks.acquire(node.uuid(), "power sync", LockMode.EXCLUSIVE)) {
      if (!unchangedSince(node, task.node())) {
        failures.remove(node.uuid());
        return false; // someone acted meanwhile: this read says nothing about the node now
      }
      maintenanceForFault(
          task,
          "power failure",
          Task.truncate(
              "Power sync could not read the power state "
                  + count
                  + " times in a row"
                  + (failure == null ? "" : ": " + Task.describe(failure))),
          failure);
    }
    failures.remove(node.uuid());
    return true;
  }

  /** Whether {@code current} (read under the lock) is still the node the sweep read. */
  private static boolean unchangedSince(NodeStore.SyncCandidate read, Node current) {
    return current.targetPowerState() == null
        && !current.maintenance()
        && Objects.equals(current.powerState(), read.powerState())
        && current.provisionState().equals(read.provisionState());
  }

  private PowerSyncPolicy policyOf(Node node) {
    Object value = node.extra().get("power_sync_policy");
    if (value == null) {
      return defaultPolicy;
    }
    try {
      return PowerSyncPolicy.valueOf(value.toString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "Node {}: unknown power_sync_policy \"{}\"; using {}",
          node.label(),
          value,
          defaultPolicy);
      return defaultPolicy;
    }
  }

  /**
   * Stores the power state the periodic sync read from the hardware: a history row and the {@code
   * baremetal.task.node().power_state_corrected.success} notification.
   */
  private void correctPowerState(Task task, String actual) {
    String from = task.node().powerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", actual);
    task.write(
        "correct power state of",
        columns,
        History.of("power")
            .event("power_state_corrected")
            .states(from, actual, null)
            .info(
                "Power state corrected from \""
                    + from
                    + "\" to \""
                    + actual
                    + "\" (read from the hardware)")
            .by(ctx),
        false);
    Map<String, Object> extra = new HashMap<>();
    extra.put("from_power", from);
    ctx.notify("power_state_corrected", "success", task.node(), extra);
  }

  /** Records that the power sync pushed the stored power state back to the hardware. */
  private void recordPowerEnforced(Task task, String hardwareSaid) {
    task.write(
        "record power enforcement on",
        new HashMap<>(),
        History.of("power")
            .event("power_state_enforced")
            .states(hardwareSaid, task.node().powerState(), null)
            .info(
                "The hardware said \""
                    + hardwareSaid
                    + "\"; the stored \""
                    + task.node().powerState()
                    + "\" was pushed back")
            .by(ctx),
        false);
  }

  /** Puts the node in maintenance with a fault, recording why (power sync gave up). */
  private void maintenanceForFault(Task task, String fault, String reason, Throwable failure) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("maintenance", true);
    columns.put("maintenance_reason", reason);
    columns.put("fault", fault);
    columns.put("power_state", null);
    columns.put("last_error", reason);
    task.write(
        "put in maintenance",
        columns,
        History.of("fault")
            .states(task.node().provisionState(), task.node().provisionState(), null)
            .error(reason, failure)
            .by(ctx),
        false);
    ctx.notify("maintenance_set", "end", task.node(), Map.of());
  }
}
