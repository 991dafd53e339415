package io.ferrum.conductor;

/**
 * Which ports or port groups to list, and how. Filters are {@code null} for "any". Immutable.
 *
 * @param node only those of this node (UUID or name)
 * @param address only the one with this MAC address
 * @param portgroup ports only: only the members of this port group (UUID or name)
 * @param limit at most this many (1 to {@link #MAX_LIMIT})
 * @param marker the UUID after which the page starts, or {@code null}
 * @param sortKey {@code id}, {@code uuid}, {@code address} or {@code created_at}
 * @param descending sort direction
 */
public record PortQuery(
    String node,
    String address,
    String portgroup,
    int limit,
    String marker,
    String sortKey,
    boolean descending) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** Everything, by id, in pages of {@link #MAX_LIMIT}. */
  public static PortQuery all() {
    return new PortQuery(null, null, null, MAX_LIMIT, null, "id", false);
  }

  /** This query limited to {@code ident}'s. */
  public PortQuery ofNode(String ident) {
    return new PortQuery(ident, address, portgroup, limit, marker, sortKey, descending);
  }

  /** This query with its address filter normalized as ports store addresses. */
  PortQuery normalized() {
    return address == null
        ? this
        : new PortQuery(
            node,
            MacAddress.normalize(address, "address"),
            portgroup,
            limit,
            marker,
            sortKey,
            descending);
  }
}
