package io.ferrum.conductor;

import io.ferrum.conductor.internal.AllocationStore;
import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.fsm.ProvisionState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one allocation, in a worker: picks the candidate nodes, claims one, or records why
 * none could be had ({@link Allocations} says how the claim stays exclusive). Stateless and
 * thread-safe.
 */
final class AllocationProcessing {

  private static final Logger LOG = LoggerFactory.getLogger(AllocationProcessing.class);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** Returned by {@link #allocateNode} when the allocation waits for a takeover. */
  private static final String WAIT_FOR_TAKEOVER = "wait for a takeover";

  private final ConductorContext ctx;
  private final NodeChildWrites writes;
  private final Predicate<String> awaitingTakeover;

  /**
   * @param awaitingTakeover whether a conductor is dead but its nodes are not taken over yet: a
   *     node it holds is waited for beyond the lock wait
   */
  AllocationProcessing(
      ConductorContext ctx, NodeChildWrites writes, Predicate<String> awaitingTakeover) {
    this.ctx = ctx;
    this.writes = writes;
    this.awaitingTakeover = awaitingTakeover;
  }

  /**
   * Picks and claims a node, or puts allocation {@code id} (UUID {@code uuid}) in error. Never
   * throws, whatever fails, {@link Error}s included: a failure of the database itself leaves the
   * allocation {@code allocating} for recovery to process again; any other failure (a bug, an
   * {@link Error}), which trying again would meet again, ends it in error with last_error.
   *
   * @return true when the allocation stays {@code allocating} because a suitable node is held by a
   *     conductor that is dead but not taken over yet (recovery processes it again after the
   *     takeover)
   */
  boolean process(long id, String uuid, String leftBy) {
    AllocationStore.Row row;
    try {
      row = writes.read("read allocation", h -> AllocationStore.findById(h, id)).orElse(null);
    } catch (DatabaseException e) {
      LOG.warn("Allocation {}: could not be read ({}); recovery retries it", uuid, e.getMessage());
      return false;
    } catch (Throwable e) { // NOPMD: any failure ends the allocation in error, never in limbo
      LOG.error("Unexpected failure while reading allocation {}", uuid, e);
      fail(id, uuid, "Unexpected exception during allocation: " + Task.describe(e));
      return false;
    }
    if (row == null || row.allocation().settled() || !ctx.name.equals(row.conductor())) {
      return false;
    }
    if (leftBy != null) {
      LOG.warn(
          "Allocation {} was left in progress by {}; processing it again",
          row.allocation().uuid(),
          leftBy);
    }
    String error;
    try {
      error = allocateNode(row);
    } catch (DatabaseException e) {
      LOG.warn("Allocation {}: {}", row.allocation().uuid(), e.getMessage());
      error = "Unexpected exception during allocation: " + e.getMessage();
    } catch (Throwable e) { // NOPMD: any failure ends the allocation in error, never in limbo
      LOG.error("Unexpected failure while processing allocation {}", row.allocation().uuid(), e);
      error = "Unexpected exception during allocation: " + Task.describe(e);
    }
    if (error == null) {
      return false;
    }
    if (WAIT_FOR_TAKEOVER.equals(error)) {
      return true;
    }
    fail(id, row.allocation().uuid(), error);
    return false;
  }

  /**
   * Puts the allocation in error with {@code error} as the reason, if it is still this conductor's
   * and {@code allocating}. If that write fails, whatever it throws, the failure is logged and the
   * allocation stays {@code allocating}: recovery processes it again.
   */
  private void fail(long id, String uuid, String error) {
    String message = Task.truncate("Failed to process allocation " + uuid + ": " + error + ".");
    LOG.info("{}", message);
    try {
      ctx.inTransaction(
          "fail allocation " + uuid,
          h -> AllocationStore.fail(h, id, ctx.name, message, ctx.now()));
    } catch (DatabaseException e) {
      LOG.warn(
          "Allocation {}: could not record its failure ({}); recovery processes it again",
          uuid,
          e.getMessage());
    } catch (Throwable e) { // NOPMD: the job must end; recovery takes the allocation over
      LOG.error(
          "Allocation {}: could not record its failure; recovery processes it again", uuid, e);
    }
  }

  private enum Claim {
    CLAIMED,
    SUPERSEDED,
    RETRY,
    SKIP
  }

  /** Thrown inside a claim's transaction to roll it back: the allocation is no longer ours. */
  private static final class Superseded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Superseded() {
      super("allocation superseded", null, false, false);
    }
  }

  /**
   * Claims a node for the allocation: null when done (claimed, or the allocation was deleted or
   * taken over meanwhile), {@link #WAIT_FOR_TAKEOVER} when the lock wait is over but a suitable
   * node is held by a dead conductor not taken over yet, else the reason it failed.
   */
  private String allocateNode(AllocationStore.Row row) {
    Allocation allocation = row.allocation();
    List<Node> nodes =
        new ArrayList<>(
            writes.read(
                "list nodes for allocation " + allocation.uuid(),
                h ->
                    NodeStore.allocationCandidates(
                        h,
                        allocation.resourceClass(),
                        allocation.candidateNodes(),
                        allocation.owner())));
    nodes.removeIf(n -> n.instanceInfo().get("instance_uuid") != null);
    if (nodes.isEmpty()) {
      return allocation.candidateNodes().isEmpty()
          ? "no available nodes match the resource class " + allocation.resourceClass()
          : "none of the requested nodes are available and match the resource class "
              + allocation.resourceClass();
    }
    nodes.removeIf(n -> !n.attributes().traits().containsAll(allocation.traits()));
    if (nodes.isEmpty()) {
      return "no suitable nodes have the requested traits "
          + String.join(", ", allocation.traits());
    }
    // Racing allocations try nodes in different orders; a node named like the allocation first.
    Collections.shuffle(nodes, ThreadLocalRandom.current());
    if (allocation.name() != null) {
      for (int i = 0; i < nodes.size(); i++) {
        if (allocation.name().equals(nodes.get(i).name())) {
          nodes.add(0, nodes.remove(i));
          break;
        }
      }
    }
    long deadline = System.nanoTime() + ctx.lockWait.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(10);
    while (true) {
      List<Node> retry = new ArrayList<>();
      for (Node node : nodes) {
        Node[] latest = {node};
        switch (claim(row, latest)) {
          case CLAIMED, SUPERSEDED -> {
            return null;
          }
          case RETRY -> retry.add(latest[0]);
          case SKIP -> {}
        }
      }
      if (retry.isEmpty()) {
        return "all nodes were filtered out during reservation";
      }
      if (System.nanoTime() + pause > deadline) {
        String dead = heldByDeadConductor(retry);
        if (dead != null) {
          LOG.info(
              "Allocation {}: a suitable node is held by conductor {}, which stopped heartbeating;"
                  + " it stays allocating until that conductor's nodes are taken over",
              allocation.uuid(),
              dead);
          return WAIT_FOR_TAKEOVER;
        }
        return "could not reserve any of " + retry.size() + " suitable nodes";
      }
      try {
        TimeUnit.NANOSECONDS.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for " + retry.size() + " busy suitable nodes";
      }
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
      nodes = retry;
    }
  }

  /** The first conductor holding one of {@code nodes} that is dead but not taken over yet. */
  private String heldByDeadConductor(List<Node> nodes) {
    java.util.Set<String> holders = new java.util.LinkedHashSet<>();
    for (Node node : nodes) {
      if (node.reservation() != null) {
        holders.add(node.reservation());
      }
    }
    for (String holder : holders) {
      if (awaitingTakeover.test(holder)) {
        return holder;
      }
    }
    return null;
  }

  /**
   * Tries to claim {@code node[0]} (replaced by the latest snapshot read) for the allocation. A
   * node that changed between read and claim is read again and, while still suitable, tried again.
   */
  private Claim claim(AllocationStore.Row row, Node[] node) {
    Allocation allocation = row.allocation();
    for (int attempt = 0; attempt < 5; attempt++) {
      Node current = node[0];
      if (!suitable(current, allocation)) {
        return Claim.SKIP;
      }
      if (current.reservation() != null) {
        return Claim.RETRY;
      }
      boolean claimed;
      try {
        claimed =
            ctx.inTransaction(
                "allocate node " + current.label(),
                h -> {
                  if (!AllocationStore.claimNode(
                      h, current.id(), current.version(), allocation.uuid(), ctx.now())) {
                    return false;
                  }
                  // An allocation the node's tear-down let go of and that is not deleted yet.
                  AllocationStore.deleteDetached(h, current.id());
                  if (!AllocationStore.activate(h, row.id(), current.id(), ctx.name, ctx.now())) {
                    throw new Superseded();
                  }
                  return true;
                });
      } catch (Superseded e) {
        LOG.info(
            "Allocation {} was deleted or taken over while being processed", allocation.uuid());
        return Claim.SUPERSEDED;
      } catch (DatabaseException e) {
        if (NodeChildWrites.isUniqueViolation(e)) {
          return Claim.SKIP; // the node got another allocation meanwhile
        }
        throw e;
      }
      if (claimed) {
        LOG.info("Node {} has been reserved for allocation {}", current.uuid(), allocation.uuid());
        return Claim.CLAIMED;
      }
      java.util.Optional<Node> fresh =
          writes.read("read node " + current.uuid(), h -> NodeStore.findById(h, current.id()));
      if (fresh.isEmpty()) {
        return Claim.SKIP;
      }
      node[0] = fresh.get();
    }
    return Claim.RETRY;
  }

  /** Whether {@code node} still satisfies the allocation (Ironic's checks, and the claim's). */
  private static boolean suitable(Node node, Allocation allocation) {
    NodeAttributes attributes = node.attributes();
    return !node.maintenance()
        && ProvisionState.AVAILABLE.value().equals(node.provisionState())
        && node.instanceUuid() == null
        && node.allocationUuid() == null
        && node.instanceInfo().get("instance_uuid") == null
        && node.powerState() != null
        && !"error".equals(node.powerState())
        && allocation.resourceClass().equals(attributes.resourceClass())
        && attributes.traits().containsAll(allocation.traits())
        && (allocation.candidateNodes().isEmpty()
            || allocation.candidateNodes().contains(node.uuid()))
        && (allocation.owner() == null
            || allocation.owner().equals(attributes.owner())
            || allocation.owner().equals(attributes.lessee()));
  }
}
