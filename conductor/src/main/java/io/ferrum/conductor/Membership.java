package io.ferrum.conductor;

import io.ferrum.conductor.internal.ConductorStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design of membership.
 *
 * Identity: a conductor registers its name with an instance id of its own, one per start. The
 * name is refused while a conductor under it is alive; after a crash it is free again once the
 * old heartbeat has aged past the timeout, and the new instance then recovers the old one's work.
 *
 * Liveness: alive = online and heartbeat within the timeout, judged by the database's clock. Each
 * heartbeat also reads the table, which gives this conductor its view: who is alive (the hash
 * rings, one per conductor group) and who is dead (for takeover).
 *
 * Self-fencing: a conductor that has not managed to heartbeat for a whole timeout may have been
 * declared dead by its peers; it owns no node's periodic work until a heartbeat succeeds again.
 * Its task writes are fenced by their tokens anyway.
 *
 * Standing down: if another instance registered under this name (this one looked dead: a long
 * pause, a broken link), this instance stops acting: no periodic work, no recovery (the
 * reservations under the name are the other instance's now), no new work.
 */
/** This conductor's place among the conductors sharing its database. Thread-safe. */
final class Membership {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  /** What the last heartbeat saw: rings by conductor group and hardware type. */
  private record View(
      Instant databaseNow, List<ConductorStore.Row> rows, Map<String, HashRing> rings) {}

  private final ConductorContext ctx;
  private final String group;
  private final String instanceId = UUID.randomUUID().toString();
  private final Duration timeout;
  private final Runnable onStandDown;
  private final java.time.Clock livenessClock;
  private volatile View view;
  private volatile long lastBeatNanos;
  private volatile boolean standingDown;

  /**
   * @param livenessClock the clock heartbeats are written and judged by, or {@code null} for the
   *     database's own (as every production conductor must use)
   */
  Membership(
      ConductorContext ctx,
      String group,
      Duration timeout,
      Runnable onStandDown,
      java.time.Clock livenessClock) {
    this.ctx = ctx;
    this.group = group;
    this.timeout = timeout;
    this.onStandDown = onStandDown;
    this.livenessClock = livenessClock;
  }

  private Instant now(org.jdbi.v3.core.Handle handle) {
    return livenessClock == null ? ConductorStore.databaseNow(handle) : livenessClock.instant();
  }

  /** This conductor's group. */
  String group() {
    return group;
  }

  /** How long a heartbeat may be old before its conductor counts as dead. */
  Duration timeout() {
    return timeout;
  }

  /**
   * Registers this conductor, refusing a name that is alive.
   *
   * @throws ConductorNameInUseException if a conductor under this name is alive
   */
  void register(String hardwareTypes) {
    ctx.inTransaction(
        "register conductor " + ctx.name,
        h -> {
          Instant now = now(h);
          ConductorStore.findForUpdate(h, ctx.name)
              .filter(row -> alive(row, now))
              .ifPresent(
                  row -> {
                    throw new ConductorNameInUseException(
                        "A conductor named "
                            + ctx.name
                            + " is alive: its last heartbeat was "
                            + Duration.between(row.heartbeatAt(), now).toSeconds()
                            + " s ago (it is dead after "
                            + timeoutOf(row).toSeconds()
                            + " s without one); stop it first, or give this one another name");
                  });
          ConductorStore.register(
              h, ctx.name, group, instanceId, hardwareTypes, timeout.toMillis(), now);
          return null;
        });
    lastBeatNanos = System.nanoTime();
    refreshView();
  }

  /** Heartbeats and refreshes the view; stands down if another instance took the name. */
  void beat() {
    if (standingDown) {
      return;
    }
    boolean recorded =
        ctx.inTransaction(
            "heartbeat of conductor " + ctx.name,
            h -> ConductorStore.heartbeat(h, ctx.name, instanceId, now(h)));
    if (!recorded) {
      ConductorStore.Row row =
          ctx.withHandle("read conductor " + ctx.name, h -> ConductorStore.find(h, ctx.name))
              .orElse(null);
      if (row == null || !instanceId.equals(row.instanceId())) {
        standDown();
        return;
      }
      LOG.warn(
          "Conductor {}: its peers declared it dead (no heartbeat for {} s); it joins again, and"
              + " the work they took over stays theirs",
          ctx.name,
          timeout.toSeconds());
      ctx.inTransaction("rejoin", h -> ConductorStore.rejoin(h, ctx.name, instanceId, now(h)));
    }
    lastBeatNanos = System.nanoTime();
    refreshView();
  }

  private void standDown() {
    standingDown = true;
    LOG.error(
        "Conductor {}: another process registered under this name while this one looked dead;"
            + " this one stops acting on nodes",
        ctx.name);
    try {
      onStandDown.run();
    } catch (RuntimeException e) {
      LOG.warn("Conductor {}: the stand-down action failed", ctx.name, e);
    }
  }

  /** Whether another instance took this conductor's name: it must not act on nodes any more. */
  boolean standingDown() {
    return standingDown;
  }

  /** Marks this instance offline, so its peers rebalance at once. */
  void leave() {
    if (!standingDown) {
      ctx.inTransaction(
          "unregister conductor " + ctx.name,
          h -> {
            ConductorStore.unregister(h, ctx.name, instanceId);
            return null;
          });
    }
  }

  /**
   * Whether this conductor runs the periodic work of a node of {@code nodeGroup}: it is the owner
   * of {@code uuid} on its group's ring, and its own membership is current (its last heartbeat is
   * within the timeout, and it was not replaced).
   */
  boolean owns(String nodeGroup, String driver, String uuid) {
    return ctx.name.equals(ownerOf(nodeGroup, driver, uuid)) && current();
  }

  /**
   * The live conductor the ring maps a node to, or {@code null} when no live conductor of its group
   * enables its hardware type. There is one ring per conductor group and hardware type, over the
   * live conductors of that group that enable that type (Ironic's model).
   */
  String ownerOf(String nodeGroup, String driver, String uuid) {
    View seen = view;
    HashRing ring = seen == null ? null : seen.rings().get(ringKey(nodeGroup, driver));
    return ring == null ? null : ring.owner(uuid);
  }

  private static String ringKey(String group, String hardwareType) {
    return (group == null ? "" : group) + "\u0000" + hardwareType;
  }

  private boolean current() {
    if (standingDown) {
      return false;
    }
    // With a clock of its own (a simulation drives time), the last heartbeat's age is that clock's.
    return livenessClock != null || System.nanoTime() - lastBeatNanos < timeout.toNanos();
  }

  /**
   * Conductors whose heartbeat is older than the timeout but that are still marked online, as of
   * the last view, with the cutoff that made them dead.
   */
  Map<String, Instant> dead() {
    View seen = view;
    if (seen == null || !current()) {
      return Map.of();
    }
    Map<String, Instant> dead = new HashMap<>();
    for (ConductorStore.Row row : seen.rows()) {
      if (row.online() && !row.hostname().equals(ctx.name) && !alive(row, seen.databaseNow())) {
        dead.put(row.hostname(), seen.databaseNow().minus(timeoutOf(row)));
      }
    }
    return dead;
  }

  /** Every registered conductor, read now. */
  List<ConductorInfo> conductors() {
    return ctx.withHandle(
        "list conductors",
        h -> {
          Instant now = now(h);
          List<ConductorInfo> out = new ArrayList<>();
          for (ConductorStore.Row row : ConductorStore.all(h)) {
            out.add(info(row, now));
          }
          return out;
        });
  }

  private ConductorInfo info(ConductorStore.Row row, Instant now) {
    return new ConductorInfo(
        row.hostname(),
        row.conductorGroup(),
        alive(row, now),
        row.hardwareTypes() == null || row.hardwareTypes().isEmpty()
            ? List.of()
            : Arrays.asList(row.hardwareTypes().split(",")),
        row.startedAt(),
        row.heartbeatAt(),
        row.createdAt());
  }

  private void refreshView() {
    View fresh =
        ctx.withHandle(
            "read the conductors",
            h -> {
              Instant now = now(h);
              List<ConductorStore.Row> rows = ConductorStore.all(h);
              Map<String, List<String>> members = new HashMap<>();
              for (ConductorStore.Row row : rows) {
                if (alive(row, now) && row.hardwareTypes() != null) {
                  for (String type : row.hardwareTypes().split(",")) {
                    if (!type.isBlank()) {
                      members
                          .computeIfAbsent(
                              ringKey(row.conductorGroup(), type), k -> new ArrayList<>())
                          .add(row.hostname());
                    }
                  }
                }
              }
              Map<String, HashRing> rings = new HashMap<>();
              members.forEach((g, names) -> rings.put(g, new HashRing(names)));
              return new View(now, rows, rings);
            });
    View previous = view;
    view = fresh;
    if (previous != null && !membersOf(previous).equals(membersOf(fresh))) {
      LOG.info("Conductor {}: conductors alive now: {}", ctx.name, membersOf(fresh));
    }
  }

  private static Map<String, java.util.Set<String>> membersOf(View view) {
    Map<String, java.util.Set<String>> out = new HashMap<>();
    view.rings()
        .forEach(
            (key, ring) -> {
              String group = key.substring(0, key.indexOf('\u0000'));
              out.computeIfAbsent(
                      group.isEmpty() ? "(default)" : group, g -> new java.util.TreeSet<>())
                  .addAll(ring.members());
            });
    return out;
  }

  /**
   * Whether {@code row}'s conductor is alive at {@code now}: online, with a heartbeat younger than
   * the timeout it registered with (so peers configured differently still agree), or this one's.
   */
  private boolean alive(ConductorStore.Row row, Instant now) {
    return row.online()
        && row.heartbeatAt() != null
        && row.heartbeatAt().isAfter(now.minus(timeoutOf(row)));
  }

  private Duration timeoutOf(ConductorStore.Row row) {
    return row.heartbeatTimeoutMillis() == null
        ? timeout
        : Duration.ofMillis(row.heartbeatTimeoutMillis());
  }
}
