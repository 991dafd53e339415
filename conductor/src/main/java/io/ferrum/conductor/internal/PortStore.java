package io.ferrum.conductor.internal;

import io.ferrum.conductor.Page;
import io.ferrum.conductor.Port;
import io.ferrum.conductor.PortQuery;
import io.ferrum.conductor.Portgroup;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for ports and port groups. Every method takes the {@link Handle} to run on, so callers decide
 * what shares a transaction. Stateless and thread-safe.
 */
public final class PortStore {

  private static final Map<String, String> SORT_KEYS =
      Map.of(
          "id",
          "x.id",
          "uuid",
          "x.uuid",
          "address",
          "COALESCE(x.address, '')",
          "created_at",
          "x.created_at");

  private static final String PORT_SELECT =
      "SELECT x.id, x.uuid, x.address, n.uuid AS node_uuid, g.uuid AS portgroup_uuid,"
          + " x.pxe_enabled, x.local_link_connection, x.physical_network, x.is_smartnic, x.extra,"
          + " x.internal_info, x.created_at, x.updated_at FROM ports x"
          + " JOIN nodes n ON n.id = x.node_id LEFT JOIN portgroups g ON g.id = x.portgroup_id";

  private static final String PORTGROUP_SELECT =
      "SELECT x.id, x.uuid, x.name, x.address, n.uuid AS node_uuid, x.mode, x.properties,"
          + " x.standalone_ports_supported, x.extra, x.internal_info, x.created_at, x.updated_at"
          + " FROM portgroups x JOIN nodes n ON n.id = x.node_id";

  private static final Paging PORTS =
      new Paging(PORT_SELECT, "ports", "x", SORT_KEYS, PortQuery.MAX_LIMIT);

  private static final Paging PORTGROUPS =
      new Paging(PORTGROUP_SELECT, "portgroups", "x", SORT_KEYS, PortQuery.MAX_LIMIT);

  private PortStore() {}

  /** A port or port group row's database id and the node's. */
  public record Ids(long id, long nodeId) {}

  // ---- ports ----

  /** Inserts a port. */
  public static void insertPort(
      Handle handle,
      String uuid,
      String address,
      long nodeId,
      Long portgroupId,
      boolean pxeEnabled,
      Map<String, Object> localLinkConnection,
      String physicalNetwork,
      boolean isSmartnic,
      Map<String, Object> extra,
      Instant now) {
    handle
        .createUpdate(
            "INSERT INTO ports (uuid, address, node_id, portgroup_id, pxe_enabled,"
                + " local_link_connection, physical_network, is_smartnic, extra, internal_info,"
                + " created_at) VALUES (:uuid, :address, :node, :group, :pxe, :llc, :physnet,"
                + " :smartnic, :extra, '{}', :now)")
        .bind("uuid", uuid)
        .bind("address", address)
        .bind("node", nodeId)
        .bind("group", portgroupId)
        .bind("pxe", pxeEnabled)
        .bind("llc", Json.write(localLinkConnection))
        .bind("physnet", physicalNetwork)
        .bind("smartnic", isSmartnic)
        .bind("extra", Json.write(extra))
        .bind("now", Sql.timestamp(now))
        .execute();
  }

  /** The port with {@code uuid}. */
  public static Optional<Port> port(Handle handle, String uuid) {
    return handle
        .createQuery(PORT_SELECT + " WHERE x.uuid = :uuid")
        .bind("uuid", uuid)
        .map((rs, ctx) -> port(rs))
        .findOne();
  }

  /** The ids of the port with {@code uuid}. */
  public static Optional<Ids> portIds(Handle handle, String uuid) {
    return handle
        .createQuery("SELECT id, node_id FROM ports WHERE uuid = :uuid")
        .bind("uuid", uuid)
        .map((rs, ctx) -> new Ids(rs.getLong(1), rs.getLong(2)))
        .findOne();
  }

  /** One page of ports; {@code nodeId}, {@code portgroupId} and the address filter may be null. */
  public static Page<Port> ports(Handle handle, PortQuery query, Long nodeId, Long portgroupId) {
    return PORTS.page(
        handle,
        request(query),
        List.of(
            new Paging.Filter("x.node_id = :node", "node", nodeId),
            new Paging.Filter("x.portgroup_id = :group", "group", portgroupId),
            new Paging.Filter("x.address = :address", "address", query.address())),
        (rs, ctx) -> port(rs),
        Port::uuid);
  }

  /** The MAC addresses of the ports of the node with id {@code nodeId}, in address order. */
  public static List<String> addressesOf(Handle handle, long nodeId) {
    return handle
        .createQuery("SELECT address FROM ports WHERE node_id = :node ORDER BY address")
        .bind("node", nodeId)
        .mapTo(String.class)
        .list();
  }

  /**
   * The ids of the nodes that have a port with one of {@code addresses} (normalized MACs), without
   * duplicates; empty for no addresses.
   */
  public static List<Long> nodesWithAddresses(
      Handle handle, java.util.Collection<String> addresses) {
    if (addresses.isEmpty()) {
      return List.of();
    }
    return handle
        .createQuery("SELECT DISTINCT node_id FROM ports WHERE address IN (<addresses>)")
        .bindList("addresses", List.copyOf(addresses))
        .mapTo(Long.class)
        .list();
  }

  /** Sets a port's columns (names from code, never from users). */
  public static boolean updatePort(
      Handle handle, long id, Map<String, Object> columns, Instant now) {
    return update(handle, "ports", id, columns, now);
  }

  /** Deletes a port. */
  public static boolean deletePort(Handle handle, long id) {
    return handle.createUpdate("DELETE FROM ports WHERE id = :id").bind("id", id).execute() == 1;
  }

  // ---- port groups ----

  /** Inserts a port group. */
  public static void insertPortgroup(
      Handle handle,
      String uuid,
      String name,
      String address,
      long nodeId,
      String mode,
      Map<String, Object> properties,
      boolean standalonePortsSupported,
      Map<String, Object> extra,
      Instant now) {
    handle
        .createUpdate(
            "INSERT INTO portgroups (uuid, name, address, node_id, mode, properties,"
                + " standalone_ports_supported, extra, internal_info, created_at) VALUES (:uuid,"
                + " :name, :address, :node, :mode, :properties, :standalone, :extra, '{}', :now)")
        .bind("uuid", uuid)
        .bind("name", name)
        .bind("address", address)
        .bind("node", nodeId)
        .bind("mode", mode)
        .bind("properties", Json.write(properties))
        .bind("standalone", standalonePortsSupported)
        .bind("extra", Json.write(extra))
        .bind("now", Sql.timestamp(now))
        .execute();
  }

  /** The port group with {@code uuid} or {@code name} ({@code column}). */
  public static Optional<Portgroup> portgroup(Handle handle, String column, String value) {
    return handle
        .createQuery(PORTGROUP_SELECT + " WHERE x." + keyColumn(column) + " = :value")
        .bind("value", value)
        .map((rs, ctx) -> portgroup(rs))
        .findOne();
  }

  /** The ids of the port group with {@code uuid} or {@code name} ({@code column}). */
  public static Optional<Ids> portgroupIds(Handle handle, String column, String value) {
    return handle
        .createQuery("SELECT id, node_id FROM portgroups WHERE " + keyColumn(column) + " = :v")
        .bind("v", value)
        .map((rs, ctx) -> new Ids(rs.getLong(1), rs.getLong(2)))
        .findOne();
  }

  /** One page of port groups; {@code nodeId} and the address filter may be null. */
  public static Page<Portgroup> portgroups(Handle handle, PortQuery query, Long nodeId) {
    return PORTGROUPS.page(
        handle,
        request(query),
        List.of(
            new Paging.Filter("x.node_id = :node", "node", nodeId),
            new Paging.Filter("x.address = :address", "address", query.address())),
        (rs, ctx) -> portgroup(rs),
        Portgroup::uuid);
  }

  /** Whether any port is a member of the port group. */
  public static boolean hasPorts(Handle handle, long portgroupId) {
    return handle
            .createQuery("SELECT COUNT(*) FROM ports WHERE portgroup_id = :id")
            .bind("id", portgroupId)
            .mapTo(Long.class)
            .one()
        > 0;
  }

  /** Sets a port group's columns (names from code, never from users). */
  public static boolean updatePortgroup(
      Handle handle, long id, Map<String, Object> columns, Instant now) {
    return update(handle, "portgroups", id, columns, now);
  }

  /** Deletes a port group. */
  public static boolean deletePortgroup(Handle handle, long id) {
    return handle.createUpdate("DELETE FROM portgroups WHERE id = :id").bind("id", id).execute()
        == 1;
  }

  // ---- shared ----

  private static Paging.Request request(PortQuery query) {
    return new Paging.Request(query.sortKey(), query.limit(), query.marker(), query.descending());
  }

  private static String keyColumn(String column) {
    if (!column.equals("uuid") && !column.equals("name")) {
      throw new IllegalArgumentException("not a port group key: " + column);
    }
    return column;
  }

  @SuppressWarnings("unchecked")
  private static boolean update(
      Handle handle, String table, long id, Map<String, Object> columns, Instant now) {
    StringBuilder sql = new StringBuilder("UPDATE " + table + " SET ");
    for (String column : columns.keySet()) {
      if (!column.matches("[a-z_]+")) {
        throw new IllegalArgumentException("not a column: " + column);
      }
      sql.append(column).append(" = :").append(column).append(", ");
    }
    sql.append("updated_at = :now WHERE id = :id");
    var update = handle.createUpdate(sql.toString()).bind("id", id).bind("now", Sql.timestamp(now));
    columns.forEach(
        (column, value) -> {
          if (value instanceof Map<?, ?> map) {
            update.bind(column, Json.write((Map<String, Object>) map));
          } else {
            update.bind(column, value);
          }
        });
    return update.execute() == 1;
  }

  private static Port port(ResultSet rs) throws SQLException {
    return new Port(
        rs.getString("uuid"),
        rs.getString("address"),
        rs.getString("node_uuid"),
        rs.getString("portgroup_uuid"),
        rs.getBoolean("pxe_enabled"),
        Json.readMap(rs.getString("local_link_connection")),
        rs.getString("physical_network"),
        rs.getBoolean("is_smartnic"),
        Json.readMap(rs.getString("extra")),
        Json.readMap(rs.getString("internal_info")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }

  private static Portgroup portgroup(ResultSet rs) throws SQLException {
    return new Portgroup(
        rs.getString("uuid"),
        rs.getString("name"),
        rs.getString("address"),
        rs.getString("node_uuid"),
        rs.getString("mode"),
        Json.readMap(rs.getString("properties")),
        rs.getBoolean("standalone_ports_supported"),
        Json.readMap(rs.getString("extra")),
        Json.readMap(rs.getString("internal_info")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }
}
