package io.ferrum.conductor;

import io.ferrum.conductor.internal.BulkStore;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk requests: one verb for many nodes, and one request id to follow them all.
 *
 * <pre>{@code
 * BulkRequest taken = conductor.bulk().submit(
 *     BulkAction.provision(ProvisionRequest.deploy(null)), List.of("n1", "n2", "n3"));
 * BulkRequest now = conductor.bulk().get(taken.id()); // from any conductor, after a restart too
 * }</pre>
 *
 * <p>{@link #submit} checks the whole request (the verb and its arguments, 1 to {@value #MAX_NODES}
 * node names or UUIDs, none twice), stores one pending result per node and returns at once. Each
 * node's action then goes through {@link Conductor#provision} or {@link Conductor#power}, exactly
 * as a request for that node alone: same lock, same state checks, same worker pool. Whatever
 * happens to one node (not found, locked, wrong state, refused arguments, its work failing in the
 * worker) becomes that node's result, an error with its reason; it never stops the others.
 *
 * <p>A node's result is success when its work ended and the node rests where the action aims
 * (provision: a stable state, the action's target; power: the requested power state); it stays
 * pending while the node waits for a callback ({@code wait call-back}, ...), until the node comes
 * to rest.
 *
 * <pre>
 * Concurrency: four dispatcher threads per conductor start the nodes' actions; at most half of
 *   the worker pool (at least one worker, at most 256) runs bulk work at once, so requests for
 *   single nodes still find free workers. Nodes beyond that wait their turn
 *   in the conductor's queue, which holds at most {@value #MAX_QUEUED} nodes of all its bulk
 *   requests together: a request that does not fit is refused whole (NoFreeWorkerException, 503).
 *   A node whose action finds the pool full anyway (other requests took the workers) is retried,
 *   backing off, for up to a minute, then gets "no free worker" as its error.
 * Failure: a result write that fails (database down) is kept and retried by the settling pass while
 *   this conductor lives. A conductor that stops gives every node not started yet the error
 *   "Conductor NAME stopped before starting this node"; nodes already started finish their work.
 * Invariant: no result stays pending for ever. The conductor that took a request writes its nodes'
 *   results; results it can no longer write (it stopped or died, or the node rests in a waiting
 *   state after its work ended) are settled by {@link #settle}, which any live conductor runs
 *   every recovery interval, from the node's own state once the node is at rest: success if it
 *   rests where the action aimed, else an error with its last_error.
 * </pre>
 *
 * <p>Requests and their results are kept for {@value #RETENTION_DAYS} days after they were taken,
 * then deleted by the settling pass (once nothing in them is pending). No argument of a request is
 * stored: a config drive or rescue password lives only in the memory of the conductor that
 * dispatches it.
 *
 * <p>Thread-safe.
 */
public final class BulkRequests {

  /** The most nodes one request may name. */
  public static final int MAX_NODES = 1000;

  /** The most nodes of all bulk requests one conductor holds waiting for their turn. */
  public static final int MAX_QUEUED = 10_000;

  /** How many days a request is kept. */
  public static final int RETENTION_DAYS = 7;

  static final int DISPATCHERS = 4;
  private static final int MAX_SHARE = 256;
  private static final int SETTLE_BATCH = 1000;
  private static final Duration NO_WORKER_WAIT = Duration.ofMinutes(1);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.~-]{1,255}");
  private static final Logger LOG = LoggerFactory.getLogger(BulkRequests.class);

  private final ConductorContext ctx;
  private final Membership membership;
  private final BiFunction<String, BulkAction, ActionHandle> starter;
  private final ThreadPoolExecutor dispatchers;
  private final Semaphore queued = new Semaphore(MAX_QUEUED);
  private final Semaphore running;
  private volatile Duration noWorkerWait;

  /** This instance's requests still dispatching: request UUID to nodes not yet written. */
  private final Map<String, AtomicInteger> dispatching = new ConcurrentHashMap<>();

  /** Results whose write failed, retried by {@link #settle}. */
  private final Queue<Result> unwritten = new ConcurrentLinkedQueue<>();

  private volatile boolean stopping;

  BulkRequests(
      ConductorContext ctx,
      Membership membership,
      BiFunction<String, BulkAction, ActionHandle> starter) {
    this.ctx = ctx;
    this.membership = membership;
    this.starter = starter;
    this.noWorkerWait = NO_WORKER_WAIT;
    int capacity = ctx.pool.capacity();
    this.running = new Semaphore(Math.max(1, Math.min(capacity / 2, MAX_SHARE)));
    AtomicInteger counter = new AtomicInteger();
    this.dispatchers =
        new ThreadPoolExecutor(
            DISPATCHERS,
            DISPATCHERS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), // bounded by the queued semaphore
            runnable -> {
              Thread thread = new Thread(runnable, ctx.name + "-bulk-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.dispatchers.allowCoreThreadTimeOut(true);
  }

  /** How long a node whose turn came waits for a free worker (default a minute; for tests). */
  void noWorkerWait(Duration wait) {
    this.noWorkerWait = wait;
  }

  /**
   * Takes a bulk request: checks it, stores a pending result per node, starts dispatching and
   * returns at once (the request as stored: every node pending).
   *
   * @param action what to do to each node
   * @param nodes 1 to {@value #MAX_NODES} node names or UUIDs, none twice (a UUID is compared
   *     without case); a node named once by name and once by UUID is not recognised as the same:
   *     its second action usually finds it locked or in the wrong state, and says so
   * @throws InvalidParameterException for a missing action, an empty, too long or repeating list,
   *     or an entry that is neither a UUID nor a valid node name; the message names the entry
   * @throws NoFreeWorkerException if the conductor is stopping or its bulk queue has no room
   * @throws DatabaseException if the request could not be stored; nothing was started
   */
  public BulkRequest submit(BulkAction action, List<String> nodes) {
    if (action == null) {
      throw new InvalidParameterException("A bulk request needs a verb");
    }
    List<String> idents = checkNodes(nodes);
    if (stopping) {
      throw new NoFreeWorkerException("Conductor " + ctx.name + " is stopping");
    }
    if (!queued.tryAcquire(idents.size())) {
      throw new NoFreeWorkerException(
          "Conductor "
              + ctx.name
              + " has no room for "
              + idents.size()
              + " more nodes of bulk requests ("
              + (MAX_QUEUED - queued.availablePermits())
              + " of "
              + MAX_QUEUED
              + " wait their turn); retry later");
    }
    String uuid = UUID.randomUUID().toString();
    AtomicInteger left = new AtomicInteger(idents.size());
    dispatching.put(uuid, left);
    java.time.Instant now = ctx.now();
    List<Long> rows;
    try {
      rows =
          ctx.inTransaction(
              "store a bulk request",
              h ->
                  BulkStore.insert(
                      h, uuid, action.verb(), ctx.name, membership.instanceId(), idents, now));
    } catch (RuntimeException e) {
      dispatching.remove(uuid);
      queued.release(idents.size());
      throw e;
    }
    List<BulkNodeResult> pending = new ArrayList<>();
    for (int i = 0; i < idents.size(); i++) {
      Dispatch dispatch = new Dispatch(uuid, rows.get(i), idents.get(i), action);
      pending.add(
          new BulkNodeResult(idents.get(i), null, null, BulkNodeResult.Outcome.PENDING, null));
      try {
        dispatchers.execute(dispatch);
      } catch (RejectedExecutionException e) {
        dispatch.refuse("Conductor " + ctx.name + " stopped before starting this node");
      }
    }
    LOG.info(
        "Conductor {}: bulk request {} takes {} node(s) to {}",
        ctx.name,
        uuid,
        idents.size(),
        action.verb());
    return new BulkRequest(uuid, action.verb(), ctx.name, now, pending);
  }

  /**
   * The request {@code id} as it stands, from the database: any conductor answers for any request.
   *
   * @throws NodeNotFoundException (a 404) if no request has that id
   */
  public BulkRequest get(String id) {
    if (id == null || !ConductorContext.looksLikeUuid(id)) {
      throw new NodeNotFoundException("Bulk request ids are UUIDs; no request has that id.");
    }
    String key = id.toLowerCase(Locale.ROOT);
    return ctx.withHandle(
        "read bulk request " + key,
        h -> {
          BulkStore.Request request =
              BulkStore.find(h, key)
                  .orElseThrow(
                      () ->
                          new NodeNotFoundException(
                              "Bulk request " + key + " could not be found."));
          List<BulkNodeResult> results = new ArrayList<>();
          for (BulkStore.NodeRow row : BulkStore.nodes(h, request.id())) {
            results.add(
                new BulkNodeResult(
                    row.ident(),
                    row.nodeUuid(),
                    row.state(),
                    BulkNodeResult.Outcome.of(row.result()),
                    row.error()));
          }
          return new BulkRequest(
              request.uuid(), request.verb(), request.conductor(), request.createdAt(), results);
        });
  }

  /**
   * Settles what no live dispatcher will write: first this conductor's own failed writes, then the
   * pending results of requests whose conductor instance is gone (stopped, died, or this
   * conductor's previous run), and of this conductor's requests whose dispatch ended while their
   * node still waited. A node at rest (no target state, no reservation) settles as success if it
   * rests where the action aimed, else as an error; a node still at work is left for the next pass.
   * Also deletes requests older than {@value #RETENTION_DAYS} days with nothing pending. Runs every
   * recovery interval on a thread of its own; embedders that turned the periodic tasks off call it
   * themselves.
   *
   * @return how many results were written
   * @throws DatabaseException if the database fails meanwhile (the next pass starts over)
   */
  public int settle() {
    int written = flush();
    Map<String, Boolean> alive = new HashMap<>();
    long after = 0;
    while (true) {
      long from = after;
      List<BulkStore.Pending> page =
          ctx.withHandle(
              "read pending bulk results", h -> BulkStore.pending(h, from, SETTLE_BATCH));
      for (BulkStore.Pending p : page) {
        after = p.row().id();
        boolean mine =
            p.conductor().equals(ctx.name) && p.instanceId().equals(membership.instanceId());
        boolean someoneWrites =
            mine
                ? dispatching.containsKey(p.requestUuid())
                : alive.computeIfAbsent(
                    p.conductor() + "\u0000" + p.instanceId(),
                    k -> membership.instanceAlive(p.conductor(), p.instanceId()));
        if (!someoneWrites && settleFromNode(p)) {
          written++;
        }
      }
      if (page.size() < SETTLE_BATCH) {
        break;
      }
    }
    ctx.inTransaction(
        "delete old bulk requests",
        h -> BulkStore.deleteFinishedBefore(h, ctx.now().minus(Duration.ofDays(RETENTION_DAYS))));
    return written;
  }

  /**
   * Stops taking requests: nodes not started yet get an error result ("stopped before starting this
   * node"); nodes already started keep their work (nothing is interrupted), and their results are
   * written when it ends. Waits up to {@code wait} for the dispatchers.
   */
  void stop(Duration wait) {
    stopping = true;
    dispatchers.shutdown();
    List<Runnable> never = new ArrayList<>();
    dispatchers.getQueue().drainTo(never);
    for (Runnable dispatch : never) {
      ((Dispatch) dispatch).refuse("Conductor " + ctx.name + " stopped before starting this node");
    }
    try {
      if (!dispatchers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Conductor {}: bulk dispatchers still busy after {}", ctx.name, wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Writes the results whose write failed, in order, until one fails again (the database is still
   * down: the rest wait for the next pass). Also called once more when the conductor stops.
   *
   * @return how many were written
   */
  int flush() {
    int written = 0;
    for (int i = unwritten.size(); i > 0; i--) {
      Result result = unwritten.poll();
      if (result == null) {
        break;
      }
      if (!write(result)) {
        unwritten.add(result);
        break;
      }
      done(result.request());
      written++;
    }
    return written;
  }

  private static List<String> checkNodes(List<String> nodes) {
    if (nodes == null || nodes.isEmpty()) {
      throw new InvalidParameterException("nodes: a bulk request needs at least one node");
    }
    if (nodes.size() > MAX_NODES) {
      throw new InvalidParameterException(
          "nodes: a bulk request takes at most " + MAX_NODES + " nodes, not " + nodes.size());
    }
    Map<String, Integer> seen = new HashMap<>();
    List<String> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String ident = nodes.get(i);
      boolean uuid = ident != null && ConductorContext.looksLikeUuid(ident);
      if (ident == null || !(uuid || NAME.matcher(ident).matches())) {
        throw new InvalidParameterException(
            "nodes["
                + i
                + "] must be a node UUID or a name of 1 to 255 letters, digits, '-', '_', '.' or"
                + " '~'");
      }
      String key = uuid ? ident.toLowerCase(Locale.ROOT) : ident;
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        throw new InvalidParameterException(
            "nodes[" + i + "] repeats nodes[" + first + "] (" + ident + "); name each node once");
      }
      out.add(ident);
    }
    return List.copyOf(out);
  }

  // ---- one node ----

  /** One node's dispatch: start its action, then write its result. */
  private final class Dispatch implements Runnable {
    private final String request;
    private final long row;
    private final String ident;
    private final BulkAction action;

    Dispatch(String request, long row, String ident, BulkAction action) {
      this.request = request;
      this.row = row;
      this.ident = ident;
      this.action = action;
    }

    @Override
    public void run() {
      try {
        if (stopping) {
          refuseQuietly("Conductor " + ctx.name + " stopped before starting this node");
          return;
        }
        try {
          while (!running.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (stopping) {
              refuseQuietly("Conductor " + ctx.name + " stopped before starting this node");
              return;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          refuseQuietly("Conductor " + ctx.name + " stopped before starting this node");
          return;
        }
        if (stopping) {
          running.release();
          refuseQuietly("Conductor " + ctx.name + " stopped before starting this node");
          return;
        }
        start();
      } finally {
        queued.release();
      }
    }

    /** Writes an error result for a node that never started; gives back its queue place. */
    void refuse(String reason) {
      try {
        refuseQuietly(reason);
      } finally {
        queued.release();
      }
    }

    private void refuseQuietly(String reason) {
      store(new Result(request, row, null, null, null, BulkNodeResult.Outcome.ERROR, reason));
    }

    private void start() {
      ActionHandle handle;
      try {
        handle = startRetrying();
      } catch (Throwable e) { // NOPMD: whatever a node's start throws is that node's result
        running.release();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        store(refused(e));
        if (e instanceof Error error && !(e instanceof AssertionError)) {
          LOG.error("Bulk request {}: starting node {} failed", request, ident, error);
        }
        return;
      }
      Node applied = handle.applied();
      String target = action.isPower() ? action.powerTarget() : aimOf(applied);
      try {
        ctx.inTransaction(
            "record the start of a bulk node",
            h -> {
              BulkStore.started(h, row, applied.uuid(), stateOf(applied), target, ctx.now());
              return null;
            });
      } catch (RuntimeException e) {
        LOG.warn(
            "Bulk request {}: could not record the start of node {}: {}",
            request,
            applied.label(),
            e.getMessage());
      }
      handle
          .done()
          .whenComplete(
              (node, failure) -> {
                running.release();
                store(ended(applied, target, node, failure));
              });
    }

    private ActionHandle startRetrying() throws InterruptedException {
      long deadline = System.nanoTime() + noWorkerWait.toNanos();
      long backoff = 20;
      while (true) {
        try {
          return starter.apply(ident, action);
        } catch (NoFreeWorkerException e) {
          if (stopping || System.nanoTime() + backoff * 1_000_000 > deadline) {
            throw e;
          }
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, 1000);
        }
      }
    }

    /** The result of a node whose action was refused before it started. */
    private Result refused(Throwable failure) {
      Node node = null;
      try {
        node = ctx.withHandle("read node " + ident, h -> ctx.find(h, ident));
      } catch (RuntimeException e) {
        // not found, or the database is down: the error says what it can
      }
      return new Result(
          request,
          row,
          node == null ? null : node.uuid(),
          node == null ? null : stateOf(node),
          null,
          BulkNodeResult.Outcome.ERROR,
          Task.truncate(Task.describe(failure)));
    }

    /** The result of a node whose work ended. */
    private Result ended(Node applied, String target, Node node, Throwable failure) {
      if (failure != null) {
        Throwable cause =
            failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        Node now = null;
        try {
          now = ctx.withHandle("read node " + applied.uuid(), h -> ctx.find(h, applied.uuid()));
        } catch (RuntimeException e) {
          // the error says what it can
        }
        return new Result(
            request,
            row,
            applied.uuid(),
            now == null ? null : stateOf(now),
            target,
            BulkNodeResult.Outcome.ERROR,
            Task.truncate(Task.describe(cause)));
      }
      if (!action.isPower() && !atRest(node)) {
        // Resting in a waiting state: the node's result comes when it gets somewhere.
        return new Result(request, row, applied.uuid(), stateOf(node), target, null, null);
      }
      String state = stateOf(node);
      boolean there = target == null || target.equals(state);
      return new Result(
          request,
          row,
          applied.uuid(),
          state,
          target,
          there ? BulkNodeResult.Outcome.SUCCESS : BulkNodeResult.Outcome.ERROR,
          there ? null : missed(node, state, target));
    }

    private String stateOf(Node node) {
      return action.isPower() ? node.powerState() : node.provisionState();
    }
  }

  /**
   * Where a provision action aims: the target of the state it entered, or that state itself when it
   * is stable or a failure state (an abort lands there at once).
   */
  private static String aimOf(Node applied) {
    return applied.targetProvisionState() == null || failed(applied.provisionState())
        ? applied.provisionState()
        : applied.targetProvisionState();
  }

  /**
   * Whether a node rests after its work: no target, or a failure state (which keeps its target, as
   * Ironic's do); a node waiting for a callback does not.
   */
  private static boolean atRest(Node node) {
    return node.targetProvisionState() == null || failed(node.provisionState());
  }

  private static boolean failed(String state) {
    return ProvisionState.fromValue(state)
        .map(ProvisionMachine.FAILURE_STATES::contains)
        .orElse(false);
  }

  private static String missed(Node node, String state, String target) {
    String why = node.lastError() == null ? "" : ": " + node.lastError();
    return Task.truncate("Ended in \"" + state + "\" instead of \"" + target + "\"" + why);
  }

  // ---- results ----

  /**
   * A node's result to write. A {@code null} outcome is no result yet: the node waits, and the
   * settling pass writes its result once it comes to rest.
   */
  private record Result(
      String request,
      long row,
      String nodeUuid,
      String state,
      String target,
      BulkNodeResult.Outcome outcome,
      String error) {}

  /** Writes a dispatch's result; a failed write is kept for the settling pass. */
  private void store(Result result) {
    if (!write(result)) {
      unwritten.add(result);
      return;
    }
    done(result.request());
  }

  /** Writes {@code result}; whether it is written (or no longer needed). */
  private boolean write(Result result) {
    try {
      ctx.inTransaction(
          "record a bulk result",
          h -> {
            if (result.outcome() == null) {
              BulkStore.started(
                  h, result.row(), result.nodeUuid(), result.state(), result.target(), ctx.now());
              return null;
            }
            BulkStore.finish(
                h,
                result.row(),
                result.nodeUuid(),
                result.state(),
                result.outcome().value(),
                result.error(),
                ctx.now());
            return null;
          });
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "Bulk request {}: could not record a node's result: {}; retried by the next pass",
          result.request(),
          e.getMessage());
      return false;
    }
  }

  /** A dispatch of {@code request} wrote its result, or handed it to the settling pass. */
  private void done(String request) {
    AtomicInteger left = dispatching.get(request);
    if (left != null && left.decrementAndGet() == 0) {
      dispatching.remove(request);
    }
  }

  /** Settles one pending result from its node's state, if the node is at rest. */
  private boolean settleFromNode(BulkStore.Pending p) {
    BulkStore.NodeRow row = p.row();
    boolean power = BulkAction.isPowerVerb(p.verb());
    Node node;
    try {
      node =
          ctx.withHandle(
              "read node " + row.ident(),
              h -> ctx.find(h, row.nodeUuid() != null ? row.nodeUuid() : row.ident()));
    } catch (NodeNotFoundException | InvalidParameterException e) {
      return finish(
          row,
          null,
          null,
          BulkNodeResult.Outcome.ERROR,
          "Node " + row.ident() + " no longer exists");
    }
    if (node.reservation() != null || (power ? node.targetPowerState() != null : !atRest(node))) {
      return false; // still at work
    }
    String state = power ? node.powerState() : node.provisionState();
    if (row.target() == null) {
      return finish(
          row,
          node.uuid(),
          state,
          BulkNodeResult.Outcome.ERROR,
          "Conductor "
              + p.conductor()
              + " stopped before this node's action was recorded as started; the node is in \""
              + state
              + "\"");
    }
    if (row.target().equals(state)) {
      return finish(row, node.uuid(), state, BulkNodeResult.Outcome.SUCCESS, null);
    }
    return finish(
        row, node.uuid(), state, BulkNodeResult.Outcome.ERROR, missed(node, state, row.target()));
  }

  private boolean finish(
      BulkStore.NodeRow row,
      String uuid,
      String state,
      BulkNodeResult.Outcome outcome,
      String error) {
    return ctx.inTransaction(
        "settle a bulk result",
        h -> BulkStore.finish(h, row.id(), uuid, state, outcome.value(), error, ctx.now()));
  }
}
