package io.ferrum.conductor;

import io.ferrum.conductor.internal.Dialect;
import io.ferrum.conductor.internal.DriverRegistry;
import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.driver.HardwareType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a conductor's parts share: database, name, clock, pool, sink, drivers and their deadlines,
 * lock settings, the live reservations and the orphans recovery repairs. Thread-safe.
 */
final class ConductorContext {

  private static final Logger LOG = LoggerFactory.getLogger(ConductorContext.class);

  final Jdbi jdbi;
  final Dialect dialect;
  final String name;
  final Clock clock;
  final WorkerPool pool;
  final NotificationSink sink;
  final java.util.List<Subscriber> subscribers = new java.util.concurrent.CopyOnWriteArrayList<>();
  final DriverRegistry drivers;
  final DriverCalls driverCalls;
  final Duration lockWait;
  final Duration callbackTimeout;

  /**
   * How long a write whose outcome the database left unknown (the connection failed around the
   * commit) is read back before the node is left to recovery.
   */
  final Duration outcomeWait;

  /**
   * How long a request waits for a worker to start the job the pool accepted before it takes the
   * job back and answers that no worker is free.
   */
  final Duration workerStartWait;

  /** Hears of the moments a simulation may crash the conductor at; {@link TaskProbe#NONE} else. */
  volatile TaskProbe probe = TaskProbe.NONE;

  final LiveReservations live = new LiveReservations();
  private final java.util.concurrent.locks.ReentrantLock[] notificationOrder =
      new java.util.concurrent.locks.ReentrantLock[64];
  final Orphans orphans = new Orphans();
  final NodeCounts counts = new NodeCounts(this);
  final java.util.concurrent.atomic.LongAdder locksAcquired =
      new java.util.concurrent.atomic.LongAdder();
  final java.util.concurrent.atomic.LongAdder locksRefused =
      new java.util.concurrent.atomic.LongAdder();
  final java.util.concurrent.atomic.LongAdder lockWaitNanos =
      new java.util.concurrent.atomic.LongAdder();

  ConductorContext(
      Jdbi jdbi,
      Dialect dialect,
      String name,
      Clock clock,
      WorkerPool pool,
      NotificationSink sink,
      DriverRegistry drivers,
      DriverCalls driverCalls,
      Duration lockWait,
      Duration callbackTimeout,
      Duration outcomeWait,
      Duration workerStartWait) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.name = name;
    this.clock = clock;
    this.pool = pool;
    this.sink = sink;
    this.drivers = drivers;
    this.driverCalls = driverCalls;
    this.lockWait = lockWait;
    this.callbackTimeout = callbackTimeout;
    this.outcomeWait = outcomeWait;
    this.workerStartWait = workerStartWait;
    for (int i = 0; i < notificationOrder.length; i++) {
      notificationOrder[i] = new java.util.concurrent.locks.ReentrantLock();
    }
  }

  /**
   * The lock that keeps a node's notifications in the order of its changes. A write that releases
   * the node holds it from before its commit until its own notification is out, so the next task,
   * which can take the node the moment the commit lands, emits only after it.
   */
  java.util.concurrent.locks.Lock notificationOrder(long nodeId) {
    return notificationOrder[(int) (nodeId & (notificationOrder.length - 1))];
  }

  /**
   * The enabled hardware type {@code name} for a task opened in era {@code era} on node {@code
   * node}: a deadline on every hardware call, and each call refused once that task is fenced.
   */
  HardwareType driver(String name, long era, String node) {
    return driverCalls.guard(drivers.require(name), era, node);
  }

  /** Now, to the microsecond: the precision both databases store, so snapshots match rows. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Runs {@code work} in one transaction; database failures become {@link DatabaseException}. */
  <T> T inTransaction(String what, Function<Handle, T> work) {
    try {
      return jdbi.inTransaction(work::apply);
    } catch (JdbiException e) {
      throw databaseFailure(what, e);
    }
  }

  /** Runs {@code work} on a handle without a transaction. */
  <T> T withHandle(String what, Function<Handle, T> work) {
    try {
      return jdbi.withHandle(work::apply);
    } catch (JdbiException e) {
      throw databaseFailure(what, e);
    }
  }

  /**
   * The failure as callers see it: what was being done and the SQL state, never the driver's
   * message (it may name the database's host, its user or the statement); that stays in the cause,
   * for the log.
   */
  static DatabaseException databaseFailure(String what, Throwable e) {
    String state = null;
    for (Throwable t = e; t != null && state == null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        state = sql.getSQLState();
      }
    }
    return new DatabaseException(
        "Database failure while trying to "
            + what
            + (state == null ? "" : " (SQL state " + state + ")"),
        e);
  }

  /** A listener added with {@link Conductor#subscribe}, and what it wants to hear. */
  record Subscriber(java.util.function.Predicate<Notification> filter, NotificationSink listener) {
    boolean wants(Notification notification) {
      try {
        return filter.test(notification);
      } catch (Throwable e) { // NOPMD: a broken filter must not break a node's work
        LOG.warn("Notification filter failed on {}; ignored", notification.eventType(), e);
        return false;
      }
    }
  }

  private static void deliver(NotificationSink target, Notification notification) {
    try {
      target.emit(notification);
    } catch (Throwable e) { // NOPMD: no sink may break a node's work, whatever it throws
      LOG.warn("Notification sink failed on {}; ignored", notification.eventType(), e);
    }
  }

  /** Reads a node by UUID or name. */
  Node find(Handle handle, String ident) {
    String key = keyColumn(ident);
    return (key.equals("uuid")
            ? NodeStore.findByUuid(handle, keyValue(ident))
            : NodeStore.findByName(handle, ident))
        .orElseThrow(() -> new NodeNotFoundException("Node " + ident + " could not be found."));
  }

  /** The column that identifies {@code ident}: {@code uuid} for a UUID, else {@code name}. */
  static String keyColumn(String ident) {
    if (ident == null || ident.isBlank()) {
      throw new InvalidParameterException("A node UUID or name is required");
    }
    return looksLikeUuid(ident) ? "uuid" : "name";
  }

  /** {@code ident} as stored in its key column (UUIDs in lower case). */
  static String keyValue(String ident) {
    return looksLikeUuid(ident) ? ident.toLowerCase(java.util.Locale.ROOT) : ident;
  }

  static boolean looksLikeUuid(String value) {
    if (value.length() != 36) {
      return false;
    }
    try {
      UUID.fromString(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Emits {@code baremetal.node.<action>.<status>} for {@code node}. Never throws: a sink that
   * fails, with an {@link Error} as much as with an exception, is logged and ignored.
   */
  void notify(String action, String status, Node node, Map<String, Object> extra) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("uuid", node.uuid());
    payload.put("name", node.name());
    payload.put("driver", node.driver());
    payload.put("provision_state", node.provisionState());
    payload.put("target_provision_state", node.targetProvisionState());
    payload.put(
        "provision_updated_at",
        node.provisionUpdatedAt() == null ? null : node.provisionUpdatedAt().toString());
    payload.put("power_state", node.powerState());
    payload.put("target_power_state", node.targetPowerState());
    payload.put("last_error", node.lastError());
    payload.put("maintenance", node.maintenance());
    payload.put("maintenance_reason", node.maintenanceReason());
    payload.put("fault", node.fault());
    payload.putAll(extra);
    String priority = "error".equals(status) ? "ERROR" : "INFO";
    Notification notification =
        new Notification(
            "baremetal.node." + action + "." + status,
            priority,
            "ferrum-conductor." + name,
            now(),
            payload);
    java.util.concurrent.locks.Lock order = notificationOrder(node.id());
    order.lock();
    try {
      deliver(sink, notification);
      for (Subscriber subscriber : subscribers) {
        if (subscriber.wants(notification)) {
          deliver(subscriber.listener(), notification);
        }
      }
    } finally {
      order.unlock();
    }
  }
}
