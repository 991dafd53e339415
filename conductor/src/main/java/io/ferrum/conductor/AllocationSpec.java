package io.ferrum.conductor;

import java.util.List;
import java.util.Map;

/**
 * What an allocation asks for. Only the resource class is required; {@link Allocations#allocate}
 * checks every field. Immutable.
 *
 * @param uuid the allocation's UUID, or {@code null} for a new random one
 * @param name a unique name (letters, digits, {@code -}, {@code _}, {@code .}, {@code ~}; not a
 *     UUID), or {@code null}
 * @param resourceClass the resource class the node must have (at most 80 characters)
 * @param traits traits the node must all have (at most {@value Allocations#MAX_TRAITS}), each a
 *     standard os-traits name or {@code CUSTOM_...}
 * @param candidateNodes UUIDs or names of the nodes it may take (at most {@value
 *     Allocations#MAX_CANDIDATES}, each an existing node); empty: any node
 * @param owner the project the node must be owned by or leased to, or {@code null} for any
 * @param extra free-form user data
 */
public record AllocationSpec(
    String uuid,
    String name,
    String resourceClass,
    List<String> traits,
    List<String> candidateNodes,
    String owner,
    Map<String, Object> extra) {

  public AllocationSpec {
    traits = traits == null ? List.of() : List.copyOf(traits);
    candidateNodes = candidateNodes == null ? List.of() : List.copyOf(candidateNodes);
    extra =
        extra == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
  }

  /** Any node of {@code resourceClass}. */
  public static AllocationSpec of(String resourceClass) {
    return new AllocationSpec(null, null, resourceClass, List.of(), List.of(), null, Map.of());
  }

  /** This spec with traits the node must all have. */
  public AllocationSpec withTraits(List<String> value) {
    return new AllocationSpec(uuid, name, resourceClass, value, candidateNodes, owner, extra);
  }

  /** This spec limited to the nodes {@code value} names (UUIDs or names). */
  public AllocationSpec withCandidateNodes(List<String> value) {
    return new AllocationSpec(uuid, name, resourceClass, traits, value, owner, extra);
  }

  /** This spec with a name. */
  public AllocationSpec withName(String value) {
    return new AllocationSpec(uuid, value, resourceClass, traits, candidateNodes, owner, extra);
  }

  /** This spec for nodes owned by or leased to {@code value}. */
  public AllocationSpec withOwner(String value) {
    return new AllocationSpec(uuid, name, resourceClass, traits, candidateNodes, value, extra);
  }
}
