package io.ferrum.conductor;

/**
 * Which allocations to list, and how. Filters are {@code null} for "any". Immutable.
 *
 * @param node only the one of this node (UUID or name)
 * @param resourceClass only those asking for this resource class
 * @param state only those in this state ({@code allocating}, {@code active}, {@code error})
 * @param owner only those of this owner
 * @param limit at most this many (1 to {@link #MAX_LIMIT})
 * @param marker the UUID after which the page starts, or {@code null}
 * @param sortKey {@code id}, {@code uuid}, {@code name}, {@code state}, {@code resource_class},
 *     {@code owner}, {@code created_at} or {@code updated_at}
 * @param descending sort direction
 */
public record AllocationQuery(
    String node,
    String resourceClass,
    String state,
    String owner,
    int limit,
    String marker,
    String sortKey,
    boolean descending) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** Everything, by id, in pages of {@link #MAX_LIMIT}. */
  public static AllocationQuery all() {
    return new AllocationQuery(null, null, null, null, MAX_LIMIT, null, "id", false);
  }
}
