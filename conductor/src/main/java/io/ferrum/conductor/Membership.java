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
 * name is refused while an instance under it heartbeats; a clean stop frees it at once. After a
 * crash it is free again once the old heartbeat has aged past the timeout (a conductor that is
 * the only one on its database, or told to wait, takes it then), and the new instance recovers
 * the old one's work.
 *
 * Liveness: an instance is alive while its heartbeat is younger than the timeout, judged by the
 * database's clock. It is a member of the hash rings while alive and online; a stopping conductor
 * leaves the rings first (its peers take its nodes' periodic work at their next heartbeat) and
 * keeps heartbeating while its jobs finish, so nothing it still holds looks dead. Each heartbeat
 * also reads the table, which gives this conductor its view: the rings, one per conductor group
 * and hardware type, and the dead (for takeover): instances whose heartbeat aged past their
 * timeout, stopping ones included. Taking one over frees its name.
 *
 * Self-fencing: a conductor whose last heartbeat is older than the timeout may have been declared
 * dead by its peers; it owns no node's periodic work until a heartbeat succeeds again, and from
 * half the timeout on it refuses its jobs' driver calls (its peers may soon act on the same
 * hardware): the call is not made and the job that asked fails through its failure path; it does
 * not wait for the heartbeat. Its task writes are fenced by their tokens anyway.
 *
 * Lapses: a heartbeat that succeeds a whole timeout or more after the start of the previous
 * successful one (measured on this process's monotonic clock, from before the previous one was
 * sent to after this one committed, so the gap the database saw is never longer), or that finds
 * the name freed by a peer's takeover, ends a lapse: its peers may have declared this conductor
 * dead and taken its nodes over meanwhile, and the tasks it had then may be working on nodes that
 * are no longer theirs. Before the conductor counts as current again, every task opened before
 * that moment is fenced for good (LiveReservations.lapse): none makes another driver call; each
 * ends through its failure path, which finds its reservation gone (taken over) or fails its node
 * with the reason. Tasks opened after it are not fenced. A driver call already running when the
 * lapse began cannot be stopped: it runs to its end or its deadline, and only the task's next call
 * is refused. refusal() is the one rule every driver call goes through.
 *
 * Judging others: a conductor declares others dead only after its own heartbeats have succeeded,
 * without a gap, for a whole timeout. After a database outage every heartbeat is old; the first
 * conductor back must not take over peers that are about to heartbeat again.
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

  /** A previous instance holding the name: its last heartbeat, and how long until it expires. */
  private record Previous(Instant heartbeatAt, Duration expiresIn) {}

  private final ConductorContext ctx;
  private final String group;
  private final String instanceId = UUID.randomUUID().toString();
  private final Duration timeout;
  private final Runnable onStandDown;
  private final java.time.Clock livenessClock;
  private final boolean sole;
  private volatile View view;
  private volatile long lastBeatNanos;

  /** When the last successful heartbeat (or the registration) was started. */
  private volatile long lastBeatStartNanos;

  private volatile long healthySinceNanos;
  private volatile boolean healthy;
  private volatile boolean standingDown;
  private volatile boolean leaving;

  /**
   * @param livenessClock the clock heartbeats are written and judged by, or {@code null} for the
   *     database's own (as every production conductor must use)
   * @param sole whether this conductor is the only process using its database (an embedded database
   *     it holds locked): a name that looks alive is its own previous instance's, and no peer can
   *     act on its nodes
   */
  Membership(
      ConductorContext ctx,
      String group,
      Duration timeout,
      Runnable onStandDown,
      java.time.Clock livenessClock,
      boolean sole) {
    this.ctx = ctx;
    this.group = group;
    this.timeout = timeout;
    this.onStandDown = onStandDown;
    this.livenessClock = livenessClock;
    this.sole = sole;
  }

  private Instant now(org.jdbi.v3.core.Handle handle) {
    return livenessClock == null
        ? ConductorStore.databaseNow(handle, ctx.dialect)
        : livenessClock.instant();
  }

  /** This process's monotonic time, or the liveness clock's when there is one. */
  private long nowNanos() {
    return livenessClock == null ? System.nanoTime() : livenessClock.millis() * 1_000_000L;
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
   * Registers this conductor, refusing a name whose instance is alive. With {@code
   * waitForPrevious}, an instance that is alive by its heartbeat's age but does not heartbeat again
   * (the previous run of this conductor, killed) is waited out instead: the name is taken once its
   * heartbeat is older than its timeout.
   *
   * @throws ConductorNameInUseException if an instance under this name is alive
   */
  void register(String hardwareTypes, boolean waitForPrevious) {
    Instant seenBeat = null;
    long start;
    while (true) {
      start = nowNanos();
      Instant previousBeat = seenBeat;
      Previous previous =
          ctx.inTransaction(
              "register conductor " + ctx.name,
              h -> {
                Instant now = now(h);
                ConductorStore.Row row = ConductorStore.findForUpdate(h, ctx.name).orElse(null);
                if (row != null && !sole && holdsName(row, now)) {
                  boolean beatAgain =
                      previousBeat != null && !previousBeat.equals(row.heartbeatAt());
                  if (!waitForPrevious || beatAgain) {
                    throw nameInUse(row, now);
                  }
                  return new Previous(
                      row.heartbeatAt(),
                      Duration.between(now, row.heartbeatAt().plus(timeoutOf(row))));
                }
                ConductorStore.register(
                    h, ctx.name, group, instanceId, hardwareTypes, timeout.toMillis(), now);
                return null;
              });
      if (previous == null) {
        break;
      }
      seenBeat = previous.heartbeatAt();
      LOG.warn(
          "Conductor {}: a previous instance under this name heartbeated recently; waiting {} s"
              + " for its heartbeat to expire (if it heartbeats again, it is alive and this start"
              + " fails)",
          ctx.name,
          Math.max(0, previous.expiresIn().toSeconds()) + 1);
      try {
        Thread.sleep(Math.max(100, Math.min(previous.expiresIn().toMillis() + 100, 5_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConductorNameInUseException(
            "Interrupted while waiting for the previous instance of conductor "
                + ctx.name
                + " to expire");
      }
    }
    long now = nowNanos();
    lastBeatStartNanos = start;
    lastBeatNanos = now;
    healthySinceNanos = now;
    healthy = true;
    refreshView();
  }

  private ConductorNameInUseException nameInUse(ConductorStore.Row row, Instant now) {
    return new ConductorNameInUseException(
        "A conductor named "
            + ctx.name
            + " is alive: its last heartbeat was "
            + ageSeconds(row.heartbeatAt(), now)
            + " s ago (it is dead after "
            + timeoutOf(row).toSeconds()
            + " s without one); stop it first, or give this one another name");
  }

  /** Whole seconds from {@code then} to {@code now}; zero when clocks disagree. */
  private static long ageSeconds(Instant then, Instant now) {
    return Math.max(0, Duration.between(then, now).toSeconds());
  }

  /**
   * Heartbeats and refreshes the view; stands down if another instance took the name, and takes it
   * back if this one was declared dead and nobody else took it.
   *
   * @throws DatabaseException if the database fails (this conductor counts as unhealthy until a
   *     heartbeat succeeds again)
   */
  void beat() {
    if (standingDown) {
      return;
    }
    try {
      beatOnce();
    } catch (RuntimeException | Error e) {
      healthy = false;
      throw e;
    }
  }

  private void beatOnce() {
    long start = nowNanos();
    boolean recorded =
        ctx.inTransaction(
            "heartbeat of conductor " + ctx.name,
            h -> ConductorStore.heartbeat(h, ctx.name, instanceId, !leaving, now(h)));
    if (!recorded) {
      boolean rejoined =
          !leaving
              && ctx.inTransaction(
                  "rejoin", h -> ConductorStore.rejoin(h, ctx.name, instanceId, now(h)));
      if (!rejoined) {
        standDown();
        return;
      }
      LOG.warn(
          "Conductor {}: its peers declared it dead (no heartbeat for {} s); it joins again, and"
              + " the work they took over stays theirs",
          ctx.name,
          timeout.toSeconds());
    }
    long now = nowNanos();
    long gap = now - lastBeatStartNanos;
    if (!sole && (!recorded || gap >= timeout.toNanos())) {
      lapsed(Duration.ofNanos(gap), !recorded);
    }
    if (!healthy || now - lastBeatNanos >= timeout.toNanos()) {
      healthySinceNanos = now; // after a failure or a gap, the others' heartbeats are judged anew
      healthy = true;
    }
    lastBeatStartNanos = start;
    lastBeatNanos = now;
    refreshView();
  }

  /**
   * Ends a lapse of {@code gap} without a heartbeat: fences every task opened before now. Called
   * before the heartbeat that ended it counts, so no task of before the lapse passes {@link
   * #refusal} in between.
   */
  private void lapsed(Duration gap, boolean declaredDead) {
    String reason =
        "conductor "
            + ctx.name
            + " missed its heartbeat for "
            + span(gap)
            + (declaredDead
                ? " and its peers declared it dead"
                : " (its peers take over the nodes of a conductor silent for "
                    + span(timeout)
                    + ")");
    int fenced = ctx.live.lapse(reason);
    LOG.warn(
        "Conductor {}: no heartbeat for {}; its peers may have taken its nodes over: the {} task(s)"
            + " it had make no more driver calls",
        ctx.name,
        span(gap),
        fenced);
  }

  /** {@code d} for a message: whole seconds from ten seconds on, tenths below. */
  private static String span(Duration d) {
    long millis = d.toMillis();
    return millis >= 10_000
        ? d.toSeconds() + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
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

  /** This process's instance id: a new one at every start. */
  String instanceId() {
    return instanceId;
  }

  /**
   * Whether the instance {@code instance} of conductor {@code name} still holds its name. The last
   * heartbeat's view answers yes; it cannot answer no, since an instance that registered after it
   * (the name missing, or held by another instance, in the view) is newer than the view, not gone:
   * a no comes from the name's row read now. While the view is missing or out of date (this
   * conductor's own heartbeats fail), every instance counts as alive: nothing is taken from a peer
   * on a guess.
   *
   * @throws DatabaseException if the row could not be read
   */
  boolean instanceAlive(String name, String instance) {
    View seen = view;
    if (seen == null || !current()) {
      return true;
    }
    for (ConductorStore.Row row : seen.rows()) {
      if (row.hostname().equals(name)
          && instance.equals(row.instanceId())
          && holdsName(row, seen.databaseNow())) {
        return true;
      }
    }
    return ctx.withHandle(
        "read conductor " + name,
        h -> {
          Instant now = now(h);
          return ConductorStore.find(h, name)
              .map(row -> instance.equals(row.instanceId()) && holdsName(row, now))
              .orElse(false);
        });
  }

  /** Whether another instance took this conductor's name: it must not act on nodes any more. */
  boolean standingDown() {
    return standingDown;
  }

  /**
   * Leaves the hash rings, so peers take over the periodic work of this conductor's nodes at their
   * next heartbeat; heartbeats go on (they keep its running jobs' reservations alive) until {@link
   * #leave()}.
   */
  void startLeaving() {
    leaving = true;
    if (!standingDown) {
      ctx.inTransaction(
          "leave the hash ring",
          h -> ConductorStore.heartbeat(h, ctx.name, instanceId, false, now(h)));
    }
  }

  /** Frees the name: this instance stopped and holds nothing. */
  void leave() {
    leaving = true;
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
    return !leaving && ctx.name.equals(ownerOf(nodeGroup, driver, uuid)) && current();
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
    return !standingDown && nowNanos() - lastBeatNanos < timeout.toNanos();
  }

  /**
   * Why a driver call for a task opened in era {@code era} ({@link LiveReservations#eraOf}) on node
   * {@code node} may not be made now, or {@code null} if it may: the one rule for every driver call
   * but configuration checks. Refused while this conductor was replaced, or its last heartbeat is
   * half the timeout old (a peer may soon declare it dead); and for good for a task opened before a
   * lapse ended ({@code era} before it): its node may have been taken over meanwhile. A conductor
   * alone on its database refuses nothing.
   */
  String refusal(long era, String node) {
    if (sole) {
      return null;
    }
    if (!mayAct()) {
      return whyNot();
    }
    String lapse = ctx.live.fenced(era);
    if (lapse == null) {
      return null;
    }
    return lapse
        + "; its peers may have taken "
        + (node == null ? "the node" : "node " + node)
        + " over; the call was not made";
  }

  /**
   * Whether this conductor may make driver calls for its jobs: it was not replaced, and its last
   * heartbeat is younger than half the timeout, so no peer can have declared it dead.
   */
  private boolean mayAct() {
    return !standingDown && nowNanos() - lastBeatNanos < timeout.toNanos() / 2;
  }

  /** Why {@link #mayAct()} is false, for the error the refused call gets. */
  private String whyNot() {
    if (standingDown) {
      return "conductor " + ctx.name + " was replaced by another process under its name";
    }
    return "conductor "
        + ctx.name
        + " has not heartbeated in the database for "
        + Duration.ofNanos(nowNanos() - lastBeatNanos).toSeconds()
        + " s (its peers take its nodes over after "
        + timeout.toSeconds()
        + " s); until a heartbeat succeeds it refuses every driver call, so the job that asked"
        + " fails; the call was not made";
  }

  /**
   * Conductors whose heartbeat is older than their timeout and that still hold their name (online
   * or stopping), as of the last view, with the cutoff that made them dead; none unless this
   * conductor's own heartbeats have succeeded without a gap for a whole timeout.
   */
  Map<String, Instant> dead() {
    View seen = view;
    if (seen == null
        || !current()
        || !healthy
        || nowNanos() - healthySinceNanos < timeout.toNanos()) {
      return Map.of();
    }
    Map<String, Instant> dead = new HashMap<>();
    for (ConductorStore.Row row : seen.rows()) {
      if (row.instanceId() != null
          && !row.hostname().equals(ctx.name)
          && !holdsName(row, seen.databaseNow())) {
        dead.put(row.hostname(), seen.databaseNow().minus(timeoutOf(row)));
      }
    }
    return dead;
  }

  /**
   * The names an instance holds, read now. A name is let go only by a clean stop or by the takeover
   * that declared its conductor dead ({@link #dead()}, after its nodes were taken over): a
   * conductor whose heartbeat merely aged still holds its name, so work it left in progress moves
   * to a peer only once its node reservations have.
   */
  java.util.Set<String> heldNames() {
    return ctx.withHandle(
        "list conductors",
        h -> {
          java.util.Set<String> held = new java.util.HashSet<>();
          for (ConductorStore.Row row : ConductorStore.all(h)) {
            if (row.instanceId() != null) {
              held.add(row.hostname());
            }
          }
          return held;
        });
  }

  /**
   * Whether conductor {@code name} is dead but not taken over yet, read now: an instance still
   * holds the name, and its heartbeat is older than its timeout (as {@link #dead()} judges). Its
   * reservations are freed by the next takeover, so work waiting for its nodes waits for that
   * rather than failing.
   */
  boolean awaitingTakeover(String name) {
    if (name == null || name.equals(ctx.name)) {
      return false;
    }
    return ctx.withHandle(
        "read conductor " + name,
        h -> {
          Instant now = now(h);
          return ConductorStore.find(h, name)
              .map(row -> row.instanceId() != null && !holdsName(row, now))
              .orElse(false);
        });
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
   * Whether {@code row}'s conductor is a live member of the rings at {@code now}: online, with a
   * heartbeat younger than the timeout it registered with (so peers configured differently still
   * agree).
   */
  private boolean alive(ConductorStore.Row row, Instant now) {
    return row.online() && holdsName(row, now);
  }

  /**
   * Whether an instance holds {@code row}'s name at {@code now}: it heartbeats within its timeout.
   */
  private boolean holdsName(ConductorStore.Row row, Instant now) {
    return row.instanceId() != null
        && row.heartbeatAt() != null
        && row.heartbeatAt().isAfter(now.minus(timeoutOf(row)));
  }

  private Duration timeoutOf(ConductorStore.Row row) {
    return row.heartbeatTimeoutMillis() == null
        ? timeout
        : Duration.ofMillis(row.heartbeatTimeoutMillis());
  }
}
