package io.ferrum.conductor;

import java.time.Instant;
import java.util.List;

/**
 * A bulk request as it stands: one verb for many nodes, and each node's result.
 *
 * @param id the request's UUID, to follow it
 * @param verb the provision verb, or the power target
 * @param conductor the conductor that took the request and dispatches its nodes
 * @param createdAt when it was taken
 * @param nodes one result per node, in the order the request named them
 */
public record BulkRequest(
    String id, String verb, String conductor, Instant createdAt, List<BulkNodeResult> nodes) {

  public BulkRequest {
    nodes = List.copyOf(nodes);
  }

  /** Whether every node has its result (success or error): nothing is pending. */
  public boolean finished() {
    return count(BulkNodeResult.Outcome.PENDING) == 0;
  }

  /** How many nodes have {@code outcome}. */
  public long count(BulkNodeResult.Outcome outcome) {
    return nodes.stream().filter(n -> n.result() == outcome).count();
  }
}
