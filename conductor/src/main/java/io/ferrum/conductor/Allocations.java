package io.ferrum.conductor;

import io.ferrum.conductor.internal.AllocationStore;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocations (Ironic's {@code /v1/allocations}): a request for one node of a resource class, with
 * the traits it must all have, among optional candidate nodes, for an optional owner.
 *
 * <pre>{@code
 * Allocation a = conductor.allocations().allocate(AllocationSpec.of("baremetal"));
 * a = conductor.allocations().await(a.uuid(), Duration.ofSeconds(30));
 * if (a.state().equals(Allocation.ACTIVE)) { deploy(a.nodeUuid()); }
 * }</pre>
 *
 * <p>Thread-safe.
 */
/*
 * Lifecycle: an allocation is inserted in state 'allocating' with this conductor's name in its
 * conductor_affinity, then processed by a job on the worker pool. The job picks candidate nodes
 * (Ironic's rules: resource class, available, outside maintenance, a known power state that is not
 * error, associated with nothing; traits, candidate nodes and owner as asked), shuffles them (the
 * node named like the allocation first) and claims one.
 *
 * Concurrency: a claim is one transaction of two conditional updates: the node row (only while
 * still free, unreserved and at the version the job checked) and the allocation row (only while
 * still 'allocating' and still this conductor's). Of any number of jobs racing for one node, on
 * any number of conductors sharing the database, exactly one claim matches the node row; the
 * others move to their next candidate. No JVM lock is involved. A reserved node (a task is
 * changing it) is retried, like every candidate that lost only a race, until the lock wait is
 * over; then the allocation fails, unless a node it waited for is held by a conductor that is dead
 * but not taken over yet: then it stays 'allocating', and the recovery pass after the takeover
 * (which frees the node) processes it again.
 *
 * Failure: whatever the job meets, an Error included, puts the allocation in 'error' with
 * last_error, except a database failure before it could read the allocation, which leaves it to
 * recovery. If even that write fails (the database is down), or the process dies, the allocation
 * stays 'allocating' with
 * no job behind it: recover() (at start-up and periodically) resumes this conductor's own such
 * allocations and takes over those of conductors that hold their name no more (they stopped, or
 * a takeover declared them dead once their nodes were taken over: a conductor whose heartbeat
 * merely aged keeps its allocations until then, so they never race for nodes it still holds), so
 * none stays 'allocating' while any conductor runs. A refused hand-off (no free worker) deletes the
 * allocation again: the caller's 503 means nothing changed.
 */
public final class Allocations {

  /** The most traits an allocation may ask for (Ironic's limit per node). */
  public static final int MAX_TRAITS = 50;

  /** The most candidate nodes an allocation may name. */
  public static final int MAX_CANDIDATES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Allocations.class);
  private static final Set<String> PATCHABLE = Set.of("name", "extra");

  private final ConductorContext ctx;
  private final NodeChildWrites writes;
  private final Supplier<Set<String>> heldNames;
  private final Runnable requireOpen;
  private final AllocationProcessing processing;
  private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();

  /**
   * @param heldNames the conductor names an instance holds now: allocations of any other conductor
   *     are taken over
   * @param awaitingTakeover whether a conductor is dead but its nodes are not taken over yet
   */
  Allocations(
      ConductorContext ctx,
      TaskManager tasks,
      Supplier<Set<String>> heldNames,
      Predicate<String> awaitingTakeover,
      Runnable requireOpen) {
    this.ctx = ctx;
    this.writes = new NodeChildWrites(ctx, tasks);
    this.processing = new AllocationProcessing(ctx, writes, awaitingTakeover);
    this.heldNames = heldNames;
    this.requireOpen = requireOpen;
  }

  /**
   * Creates an allocation in state {@code allocating} and hands it to a worker, which picks and
   * claims a node; {@link #await} waits for the outcome. Returns the allocation as stored once the
   * hand-off is done (already settled, if the worker was quick).
   *
   * @throws InvalidParameterException for a missing or bad field (the message names it), or a
   *     candidate node that does not exist
   * @throws NodeConflictException if the UUID or name is taken
   * @throws NoFreeWorkerException if no worker is free or the conductor is stopping; nothing
   *     changed
   */
  public Allocation allocate(AllocationSpec spec) {
    if (spec == null) {
      throw new InvalidParameterException("An allocation needs a resource_class");
    }
    String resourceClass = NodeChildWrites.text(spec.resourceClass(), "resource_class", 80);
    if (resourceClass == null || resourceClass.isBlank()) {
      throw new InvalidParameterException("An allocation needs a resource_class");
    }
    List<String> traits = traits(spec.traits());
    checkName(spec.name());
    String owner = NodeChildWrites.text(spec.owner(), "owner", 255);
    String uuid = NodeChildWrites.uuid(spec.uuid(), "allocation uuid");
    requireOpen.run();
    List<String> candidates = candidates(spec.candidateNodes());
    CompletableFuture<Void> done = new CompletableFuture<>();
    // Marked as running before it exists, so recovery never takes it for one left behind.
    if (running.putIfAbsent(uuid, done) != null) {
      throw new NodeConflictException("An allocation with UUID " + uuid + " already exists.");
    }
    long id;
    try {
      id =
          writes.underTransaction(
              "create allocation",
              e -> clash(uuid, spec.name()),
              h ->
                  AllocationStore.insert(
                      h,
                      uuid,
                      spec.name(),
                      resourceClass,
                      traits,
                      candidates,
                      owner,
                      spec.extra(),
                      ctx.name,
                      ctx.now()));
    } catch (RuntimeException e) {
      finished(uuid, done);
      throw e;
    }
    try {
      ctx.pool.submit(job(id, uuid, done, null));
    } catch (NoFreeWorkerException e) {
      try {
        ctx.inTransaction(
            "delete allocation " + uuid, h -> AllocationStore.deleteUnattached(h, id));
        finished(uuid, done);
      } catch (RuntimeException cleanup) {
        finished(uuid, done);
        LOG.warn(
            "Allocation {} was refused a worker and could not be deleted ({}); recovery processes"
                + " it",
            uuid,
            cleanup.getMessage());
      }
      throw e;
    }
    try {
      return get(uuid);
    } catch (DatabaseException e) {
      return new Allocation(
          uuid,
          spec.name(),
          null,
          Allocation.ALLOCATING,
          null,
          resourceClass,
          traits,
          candidates,
          owner,
          spec.extra(),
          ctx.now(),
          null);
    }
  }

  /**
   * Waits until the allocation {@code ident} is settled ({@code active} or {@code error}), or
   * {@code timeout} has passed, and returns it as it then stands (still {@code allocating} if the
   * timeout passed first). An interrupt ends the wait early, with the thread's interrupt flag set.
   *
   * @throws NodeNotFoundException (a 404) if there is no such allocation, or it was deleted
   */
  public Allocation await(String ident, Duration timeout) {
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    Allocation allocation = get(ident);
    long pause = TimeUnit.MILLISECONDS.toNanos(5);
    while (!allocation.settled()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return allocation;
      }
      CompletableFuture<Void> local = running.get(allocation.uuid());
      try {
        if (local != null) {
          local.get(left, TimeUnit.NANOSECONDS);
        } else {
          TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
          pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return allocation;
      } catch (TimeoutException | ExecutionException e) {
        // Read the outcome below either way.
      }
      allocation = get(allocation.uuid());
    }
    return allocation;
  }

  /**
   * The allocation with UUID or name {@code ident}.
   *
   * @throws NodeNotFoundException (a 404) if there is none
   */
  public Allocation get(String ident) {
    return row(ident).allocation();
  }

  /**
   * The allocation of node {@code node} (UUID or name).
   *
   * @throws NodeNotFoundException (a 404) if there is no such node, or it has no allocation
   */
  public Allocation ofNode(String node) {
    return writes
        .read(
            "read allocation of node " + node,
            h -> AllocationStore.ofNode(h, ctx.find(h, node).id()))
        .orElseThrow(
            () -> new NodeNotFoundException("Allocation for node " + node + " was not found"))
        .allocation();
  }

  /**
   * One page of allocations matching {@code query}.
   *
   * @throws InvalidParameterException for a bad sort key, limit, marker or state, or a node filter
   *     naming no node
   */
  public Page<Allocation> list(AllocationQuery query) {
    if (query.state() != null
        && !Set.of(Allocation.ALLOCATING, Allocation.ACTIVE, Allocation.ERROR)
            .contains(query.state())) {
      throw new InvalidParameterException(
          "state must be allocating, active or error, not \"" + query.state() + "\"");
    }
    return writes.read(
        "list allocations",
        h -> {
          Long node = null;
          if (query.node() != null) {
            try {
              node = ctx.find(h, query.node()).id();
            } catch (NodeNotFoundException e) {
              throw new InvalidParameterException(e.getMessage(), e);
            }
          }
          return AllocationStore.list(h, query, node);
        });
  }

  /**
   * Applies RFC 6902 operations to the allocation's {@code name} and {@code extra} (Ironic's
   * patchable fields).
   *
   * @throws InvalidParameterException for a bad path, operation or value
   * @throws NodeConflictException if the new name is taken
   * @throws NodeNotFoundException if there is no such allocation
   */
  public Allocation update(String ident, List<PatchOperation> patch) {
    if (patch == null || patch.isEmpty()) {
      throw new InvalidParameterException("The patch is empty");
    }
    AllocationStore.Row row = row(ident);
    Allocation seen = row.allocation();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", seen.name());
    fields.put("extra", FieldPatch.deepCopy(seen.extra()));
    Map<String, Object> changed = FieldPatch.apply(fields, patch, PATCHABLE, Set.of("extra"));
    Object name = fields.get("name");
    if (name != null && !(name instanceof String)) {
      throw new InvalidParameterException("name must be a string");
    }
    if (changed.containsKey("name")) {
      checkName((String) name);
    }
    Object extra = fields.get("extra");
    if (!(extra instanceof Map<?, ?>)) {
      throw new InvalidParameterException("extra must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> document = (Map<String, Object>) extra;
    boolean updated =
        writes.underTransaction(
            "update allocation " + seen.uuid(),
            e -> "An allocation with name " + name + " already exists.",
            h -> AllocationStore.update(h, row.id(), (String) name, document, ctx.now()));
    if (!updated) {
      throw notFound(ident);
    }
    return get(seen.uuid());
  }

  /**
   * Deletes the allocation and frees its node ({@code allocation_uuid} and {@code instance_uuid}
   * cleared), under the node's exclusive lock. As in Ironic, a node that is {@code active}, or in a
   * transition that does not allow updates, keeps its allocation unless it is in maintenance. A
   * delete that loses a race to another delete of the same allocation succeeds.
   *
   * @throws NodeNotFoundException if there is no such allocation when the call starts
   * @throws NodeConflictException if the node's state forbids it
   * @throws NodeLockedException if the node stays busy
   */
  public void delete(String ident) {
    AllocationStore.Row row = row(ident);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (row.nodeId() == null) {
        long id = row.id();
        if (ctx.inTransaction(
            "delete allocation " + row.allocation().uuid(),
            h -> AllocationStore.deleteUnattached(h, id))) {
          return;
        }
      } else if (deleteAttached(row)) {
        return;
      }
      // It got a node meanwhile, or lost it, or is gone: look again.
      String uuid = row.allocation().uuid();
      java.util.Optional<AllocationStore.Row> again =
          writes.read("read allocation " + ident, h -> AllocationStore.find(h, "uuid", uuid));
      if (again.isEmpty()) {
        LOG.info("Allocation {} was deleted concurrently; delete fulfilled", ident);
        return;
      }
      row = again.get();
    }
    throw new NodeConflictException(
        "Allocation " + ident + " changed while it was being deleted; try again");
  }

  /** Deletes an allocation that has a node, under the node's lock; false to look again. */
  private boolean deleteAttached(AllocationStore.Row row) {
    Allocation allocation = row.allocation();
    try {
      return writes.underNodeLock(
          allocation.nodeUuid(),
          "delete allocation",
          false,
          e -> "Allocation " + allocation.uuid() + " could not be deleted",
          (task, h) -> {
            Node node = task.node();
            if (!allocation.uuid().equals(node.allocationUuid())) {
              return false;
            }
            checkDeallocation(node, allocation);
            return AllocationStore.detach(
                h, row.id(), allocation.uuid(), node.id(), task.token(), ctx.now());
          });
    } catch (NodeNotFoundException e) {
      return false; // the node was deleted, and its allocation with it
    }
  }

  /**
   * Ironic's rule for freeing a node: always in maintenance; otherwise not while {@code active},
   * nor during a transition that does not allow updates.
   */
  private static void checkDeallocation(Node node, Allocation allocation) {
    if (node.maintenance()) {
      return;
    }
    if (node.targetProvisionState() != null
        && ProvisionState.fromValue(node.provisionState())
            .map(s -> !ProvisionMachine.UPDATE_ALLOWED_STATES.contains(s))
            .orElse(true)) {
      throw new NodeConflictException(
          "Cannot remove allocation "
              + allocation.uuid()
              + " for node "
              + node.uuid()
              + ", because the node is in state "
              + node.provisionState()
              + " where updates are not allowed (and maintenance mode is off)");
    }
    if (ProvisionState.ACTIVE.value().equals(node.provisionState())) {
      throw new NodeConflictException(
          "Cannot remove allocation "
              + allocation.uuid()
              + " for node "
              + node.uuid()
              + ", because the node is active (and maintenance mode is off)");
    }
  }

  /**
   * Finishes what no job is doing: every allocation still {@code allocating} that was being
   * processed here with no job left behind it (the process restarted, the error could not be
   * written, or it waited for a node of a dead conductor), or by a conductor that no longer holds
   * its name (it stopped, or was declared dead by {@link Conductor#takeOverDeadConductors()}, which
   * takes over its nodes first), is taken over and processed again. Runs at start-up, every
   * recovery interval on a thread of its own and after each takeover of dead conductors; embedders
   * that turned the periodic tasks off call it themselves.
   *
   * @return how many allocations were handed to a worker (fewer when no worker was free: the next
   *     pass takes the rest)
   * @throws DatabaseException if the database fails meanwhile (the next pass starts over)
   */
  public int recover() {
    int forgotten =
        ctx.inTransaction("delete detached allocations", AllocationStore::deleteDetached);
    if (forgotten > 0) {
      LOG.info("Deleted {} allocation(s) whose nodes were torn down", forgotten);
    }
    Set<String> held = heldNames.get();
    List<AllocationStore.Pending> pending =
        writes.read("list allocations in progress", AllocationStore::allocating);
    Set<String> inProgress = new java.util.HashSet<>();
    pending.forEach(p -> inProgress.add(p.uuid()));
    waiting.retainAll(inProgress);
    int resumed = 0;
    for (AllocationStore.Pending p : pending) {
      if (running.containsKey(p.uuid())) {
        continue;
      }
      boolean mine = ctx.name.equals(p.conductor());
      if (!mine && p.conductor() != null && held.contains(p.conductor())) {
        continue;
      }
      if (!mine
          && !ctx.inTransaction(
              "take over allocation " + p.uuid(),
              h -> AllocationStore.takeOver(h, p.id(), p.conductor(), ctx.name, ctx.now()))) {
        continue;
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      if (running.putIfAbsent(p.uuid(), done) != null) {
        continue;
      }
      boolean waited = mine && waiting.remove(p.uuid());
      try {
        ctx.pool.submit(
            job(p.id(), p.uuid(), done, waited ? null : mine ? "this conductor" : p.conductor()));
      } catch (NoFreeWorkerException e) {
        if (waited) {
          waiting.add(p.uuid());
        }
        finished(p.uuid(), done);
        break;
      }
      resumed++;
    }
    return resumed;
  }

  /**
   * Deletes allocation {@code uuid} once its node has let go of it (its tear-down cleared the
   * node's {@code allocation_uuid}), as Ironic deletes the allocation of a node it undeploys. A
   * failure is logged: the next claim of the node, or the next {@link #recover} pass, deletes it.
   */
  static void forget(ConductorContext ctx, String uuid) {
    try {
      ctx.inTransaction("delete allocation " + uuid, h -> AllocationStore.deleteDetached(h, uuid));
    } catch (RuntimeException e) {
      LOG.warn(
          "Allocation {} could not be deleted now ({}); recovery deletes it", uuid, e.getMessage());
    }
  }

  // ---- processing ----

  /** The job that processes allocation {@code id}; {@code leftBy}: who left it in progress. */
  private Runnable job(long id, String uuid, CompletableFuture<Void> done, String leftBy) {
    return () -> {
      try {
        if (processing.process(id, uuid, leftBy)) {
          waiting.add(uuid);
        }
      } catch (Throwable e) { // NOPMD: the pool keeps a job's failure in a future no one reads
        LOG.error("Allocation {}: its job failed; recovery processes it again", uuid, e);
      } finally {
        finished(uuid, done);
      }
    };
  }

  private void finished(String uuid, CompletableFuture<Void> done) {
    running.remove(uuid, done);
    done.complete(null);
  }

  // ---- input ----

  private AllocationStore.Row row(String ident) {
    if (ident == null || ident.isBlank()) {
      throw new InvalidParameterException("An allocation UUID or name is required");
    }
    String column = ConductorContext.keyColumn(ident);
    String value = ConductorContext.keyValue(ident);
    return writes
        .read("read allocation " + ident, h -> AllocationStore.find(h, column, value))
        .orElseThrow(() -> notFound(ident));
  }

  private static NodeNotFoundException notFound(String ident) {
    return new NodeNotFoundException("Allocation " + ident + " could not be found.");
  }

  private static List<String> traits(List<String> requested) {
    if (requested.size() > MAX_TRAITS) {
      throw new InvalidParameterException(
          "traits: at most " + MAX_TRAITS + " traits, not " + requested.size());
    }
    Set<String> traits = new LinkedHashSet<>();
    for (String trait : requested) {
      try {
        TraitNames.check(trait);
      } catch (InvalidParameterException e) {
        throw new InvalidParameterException("traits: " + e.getMessage(), e);
      }
      traits.add(trait);
    }
    return List.copyOf(traits);
  }

  /** The UUIDs of the candidate nodes, in the order given, without repeats. */
  private List<String> candidates(List<String> idents) {
    if (idents.size() > MAX_CANDIDATES) {
      throw new InvalidParameterException(
          "candidate_nodes: at most " + MAX_CANDIDATES + " nodes, not " + idents.size());
    }
    for (String ident : idents) {
      if (ident == null || ident.isBlank() || ident.length() > 255) {
        throw new InvalidParameterException(
            "candidate_nodes: each must be a node UUID or name of at most 255 characters");
      }
    }
    if (idents.isEmpty()) {
      return List.of();
    }
    Map<String, String> found =
        writes.read("read candidate nodes", h -> AllocationStore.nodeUuids(h, idents));
    Set<String> uuids = new LinkedHashSet<>();
    for (String ident : idents) {
      String uuid = found.get(ConductorContext.keyValue(ident));
      if (uuid == null) {
        throw new InvalidParameterException(
            "candidate_nodes: Node " + ident + " could not be found.");
      }
      uuids.add(uuid);
    }
    return List.copyOf(uuids);
  }

  private static void checkName(String name) {
    if (name == null) {
      return;
    }
    if (!Conductor.NAME.matcher(name).matches() || ConductorContext.looksLikeUuid(name)) {
      throw new InvalidParameterException(
          "Cannot use \""
              + name
              + "\" as an allocation name: use 1 to 255 letters, digits, '-', '_', '.' or '~',"
              + " not a UUID");
    }
  }

  /** Which unique key a new allocation clashed on. */
  private String clash(String uuid, String name) {
    boolean uuidTaken =
        writes.read("read allocation", h -> AllocationStore.find(h, "uuid", uuid).isPresent());
    return uuidTaken
        ? "An allocation with UUID " + uuid + " already exists."
        : "An allocation with name " + name + " already exists.";
  }
}
