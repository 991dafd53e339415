package io.ferrum.conductor;

/**
 * Which nodes to list, and how: filters (each {@code null} for "any"), a page size, the marker
 * (UUID of the last node of the previous page) and the sort.
 *
 * @param provisionState only nodes in this provision state
 * @param driver only nodes with this driver
 * @param maintenance only nodes with this maintenance flag
 * @param resourceClass only nodes of this resource class
 * @param owner only nodes with this owner
 * @param lessee only nodes with this lessee
 * @param limit at most this many nodes (1 to 1000)
 * @param marker the UUID after which the page starts, or {@code null}
 * @param sortKey one of {@code id}, {@code uuid}, {@code name}, {@code created_at}, {@code
 *     updated_at}, {@code provision_state}, {@code power_state}, {@code driver}
 * @param descending sort direction
 * @param conductorGroup only nodes of this conductor group (compared in lower case, as stored)
 */
public record NodeQuery(
    String provisionState,
    String driver,
    Boolean maintenance,
    String resourceClass,
    String owner,
    String lessee,
    int limit,
    String marker,
    String sortKey,
    boolean descending,
    String conductorGroup) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** A query of any conductor group. */
  public NodeQuery(
      String provisionState,
      String driver,
      Boolean maintenance,
      String resourceClass,
      String owner,
      String lessee,
      int limit,
      String marker,
      String sortKey,
      boolean descending) {
    this(
        provisionState,
        driver,
        maintenance,
        resourceClass,
        owner,
        lessee,
        limit,
        marker,
        sortKey,
        descending,
        null);
  }

  /** A query without the resource class, owner, lessee and conductor group filters. */
  public NodeQuery(
      String provisionState,
      String driver,
      Boolean maintenance,
      int limit,
      String marker,
      String sortKey,
      boolean descending) {
    this(provisionState, driver, maintenance, null, null, null, limit, marker, sortKey, descending);
  }

  /** This query limited to nodes of {@code resourceClass}, {@code owner} and {@code lessee}. */
  public NodeQuery ownedBy(String newResourceClass, String newOwner, String newLessee) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        newResourceClass,
        newOwner,
        newLessee,
        limit,
        marker,
        sortKey,
        descending,
        conductorGroup);
  }

  /**
   * This query limited to nodes of conductor group {@code group} ({@code null}: any group; the
   * default group is the empty string).
   */
  public NodeQuery inConductorGroup(String group) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        resourceClass,
        owner,
        lessee,
        limit,
        marker,
        sortKey,
        descending,
        group == null ? null : group.toLowerCase(java.util.Locale.ROOT));
  }

  /** Every node, by id, in pages of {@link #MAX_LIMIT}. */
  public static NodeQuery all() {
    return new NodeQuery(null, null, null, MAX_LIMIT, null, "id", false);
  }

  /** This query with another page size. */
  public NodeQuery withLimit(int newLimit) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        resourceClass,
        owner,
        lessee,
        newLimit,
        marker,
        sortKey,
        descending,
        conductorGroup);
  }

  /** This query starting after {@code uuid}. */
  public NodeQuery after(String uuid) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        resourceClass,
        owner,
        lessee,
        limit,
        uuid,
        sortKey,
        descending,
        conductorGroup);
  }

  /** This query limited to {@code state}. */
  public NodeQuery inState(String state) {
    return new NodeQuery(
        state,
        driver,
        maintenance,
        resourceClass,
        owner,
        lessee,
        limit,
        marker,
        sortKey,
        descending,
        conductorGroup);
  }
}
