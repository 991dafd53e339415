package io.ferrum.conductor.internal;

import io.ferrum.conductor.NodeAttributes;
import io.ferrum.driver.HardwareInterfaces;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How {@link NodeAttributes} are stored: one column per field in table {@code nodes} ({@code
 * resource_class}, ..., {@code traits} as a JSON array, one {@code <interface>_interface} column
 * per hardware interface). Stateless and thread-safe.
 */
public final class NodeAttributeColumns {

  /** The columns, in the order {@link #read} reads them. */
  public static final List<String> NAMES = names();

  /** {@link #NAMES} as a select list. */
  public static final String SELECT = String.join(", ", NAMES);

  /** The timestamp columns among them. */
  public static final Set<String> TIMESTAMPS =
      Set.of("inspection_started_at", "inspection_finished_at");

  private NodeAttributeColumns() {}

  private static List<String> names() {
    List<String> names =
        new ArrayList<>(
            List.of(
                "resource_class",
                "owner",
                "lessee",
                "description",
                "protected",
                "protected_reason",
                "retired",
                "retired_reason",
                "traits",
                "inspection_started_at",
                "inspection_finished_at"));
    for (String name : HardwareInterfaces.NAMES) {
      names.add(name + "_interface");
    }
    return List.copyOf(names);
  }

  /** The attributes of a row, whose {@link #NAMES} start at column {@code first}. */
  public static NodeAttributes read(ResultSet rs, int first) throws SQLException {
    int i = first;
    String resourceClass = rs.getString(i++);
    String owner = rs.getString(i++);
    String lessee = rs.getString(i++);
    String description = rs.getString(i++);
    boolean isProtected = rs.getBoolean(i++);
    String protectedReason = rs.getString(i++);
    boolean retired = rs.getBoolean(i++);
    String retiredReason = rs.getString(i++);
    List<String> traits = Json.readStrings(rs.getString(i++));
    Instant started = Sql.instant(rs, i++);
    Instant finished = Sql.instant(rs, i++);
    Map<String, String> interfaces = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      String chosen = rs.getString(i++);
      if (chosen != null) {
        interfaces.put(name, chosen);
      }
    }
    return new NodeAttributes(
        resourceClass,
        owner,
        lessee,
        description,
        isProtected,
        protectedReason,
        retired,
        retiredReason,
        interfaces,
        traits,
        started,
        finished);
  }

  /** {@code attributes} as column values, for an insert. */
  public static Map<String, Object> columns(NodeAttributes attributes) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("resource_class", attributes.resourceClass());
    columns.put("owner", attributes.owner());
    columns.put("lessee", attributes.lessee());
    columns.put("description", attributes.description());
    columns.put("protected", attributes.isProtected());
    columns.put("protected_reason", attributes.protectedReason());
    columns.put("retired", attributes.retired());
    columns.put("retired_reason", attributes.retiredReason());
    columns.put("traits", attributes.traits());
    columns.put("inspection_started_at", attributes.inspectionStartedAt());
    columns.put("inspection_finished_at", attributes.inspectionFinishedAt());
    for (String name : HardwareInterfaces.NAMES) {
      columns.put(name + "_interface", attributes.iface(name));
    }
    return columns;
  }

  /** {@code attributes} after an update that set {@code columns} (others are left alone). */
  @SuppressWarnings("unchecked")
  public static NodeAttributes applied(NodeAttributes attributes, Map<String, Object> columns) {
    Map<String, Object> all = columns(attributes);
    boolean touched = false;
    for (String name : NAMES) {
      if (columns.containsKey(name)) {
        all.put(name, columns.get(name));
        touched = true;
      }
    }
    if (!touched) {
      return attributes;
    }
    Map<String, String> interfaces = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      Object chosen = all.get(name + "_interface");
      if (chosen != null) {
        interfaces.put(name, (String) chosen);
      }
    }
    return new NodeAttributes(
        (String) all.get("resource_class"),
        (String) all.get("owner"),
        (String) all.get("lessee"),
        (String) all.get("description"),
        (Boolean) all.get("protected"),
        (String) all.get("protected_reason"),
        (Boolean) all.get("retired"),
        (String) all.get("retired_reason"),
        interfaces,
        (List<String>) all.get("traits"),
        (Instant) all.get("inspection_started_at"),
        (Instant) all.get("inspection_finished_at"));
  }
}
