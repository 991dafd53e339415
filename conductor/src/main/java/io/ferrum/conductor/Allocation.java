package io.ferrum.conductor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An allocation as stored (Ironic's {@code /v1/allocations}): a request for one node, and its
 * outcome. Immutable.
 *
 * @param uuid the allocation's UUID; the node it gets takes it as its {@code instance_uuid}
 * @param name its unique name, or {@code null}
 * @param nodeUuid the node it got, or {@code null} (while {@code allocating}, or in {@code error})
 * @param state {@code allocating} (being processed), {@code active} (it has its node) or {@code
 *     error} (it got none; {@code lastError} says why)
 * @param lastError why it failed, or {@code null}
 * @param resourceClass the resource class the node must have
 * @param traits the traits the node must all have
 * @param candidateNodes the UUIDs of the nodes it may take; empty: any node
 * @param owner the project the node must be owned by or leased to, or {@code null} for any
 * @param extra free-form user data
 * @param createdAt creation time
 * @param updatedAt last update time, or {@code null}
 */
public record Allocation(
    String uuid,
    String name,
    String nodeUuid,
    String state,
    String lastError,
    String resourceClass,
    List<String> traits,
    List<String> candidateNodes,
    String owner,
    Map<String, Object> extra,
    Instant createdAt,
    Instant updatedAt) {

  /** Being processed: no node yet. */
  public static final String ALLOCATING = "allocating";

  /** It has its node. */
  public static final String ACTIVE = "active";

  /** It got no node; {@code lastError} says why. */
  public static final String ERROR = "error";

  public Allocation {
    traits = traits == null ? List.of() : List.copyOf(traits);
    candidateNodes = candidateNodes == null ? List.of() : List.copyOf(candidateNodes);
    extra =
        extra == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
  }

  /** Whether it is done: {@code active} or {@code error}. */
  public boolean settled() {
    return !ALLOCATING.equals(state);
  }
}
