package io.ferrum.conductor;

import io.ferrum.conductor.internal.PortStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Port groups (Ironic's {@code /v1/portgroups}): ports of one node bonded together. A group belongs
 * to one node and goes with it; its name and MAC address are unique; a group with member ports can
 * not be deleted. Every change takes the node's exclusive lock and is one transaction. Thread-safe.
 */
public final class Portgroups {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.~-]{1,255}");
  private static final Set<String> PATCHABLE =
      Set.of("name", "address", "mode", "properties", "standalone_ports_supported", "extra");
  private static final Set<String> DOCUMENTS = Set.of("properties", "extra");

  private final ConductorContext ctx;
  private final NodeChildWrites writes;

  Portgroups(ConductorContext ctx, TaskManager tasks) {
    this.ctx = ctx;
    this.writes = new NodeChildWrites(ctx, tasks);
  }

  /**
   * Creates a port group on {@code spec.node()}.
   *
   * @throws InvalidParameterException for a bad name, address, UUID or field, or an unknown node
   * @throws NodeConflictException if the name, address or UUID is taken
   * @throws NodeLockedException if the node stays busy
   */
  public Portgroup create(PortgroupSpec spec) {
    if (spec.node() == null) {
      throw new InvalidParameterException("A port group needs a node (node_uuid)");
    }
    String uuid = NodeChildWrites.uuid(spec.uuid(), "port group");
    String name = name(spec.name());
    String address =
        spec.address() == null ? null : MacAddress.normalize(spec.address(), "address");
    String mode = NodeChildWrites.text(spec.mode(), "mode", 255);
    writes.underNodeLock(
        spec.node(),
        "create port group",
        true,
        e -> "A port group with that UUID, name or MAC address already exists.",
        (task, h) -> {
          PortStore.insertPortgroup(
              h,
              uuid,
              name,
              address,
              task.node().id(),
              mode == null ? "active-backup" : mode,
              spec.properties(),
              spec.standalonePortsSupported() == null || spec.standalonePortsSupported(),
              spec.extra(),
              ctx.now());
          return null;
        });
    return get(uuid);
  }

  /**
   * The port group with UUID or name {@code ident}.
   *
   * @throws NodeNotFoundException (a 404) if there is none
   */
  public Portgroup get(String ident) {
    return writes
        .read(
            "read port group " + ident,
            h ->
                PortStore.portgroup(
                    h, ConductorContext.keyColumn(ident), ConductorContext.keyValue(ident)))
        .orElseThrow(() -> notFound(ident));
  }

  /** One page of port groups matching {@code query} (its {@code portgroup} is ignored). */
  public Page<Portgroup> list(PortQuery query) {
    return writes.read(
        "list port groups",
        h -> {
          Long node = query.node() == null ? null : ctx.find(h, query.node()).id();
          PortQuery normalized = query.normalized();
          return PortStore.portgroups(h, normalized, node);
        });
  }

  /**
   * Applies RFC 6902 operations to the group's {@code name}, {@code address}, {@code mode}, {@code
   * properties}, {@code standalone_ports_supported} and {@code extra}, under its node's lock.
   *
   * @throws InvalidParameterException for a bad path, operation or value
   * @throws NodeConflictException if the new name or address is taken
   * @throws NodeNotFoundException if there is no such port group
   */
  public Portgroup update(String ident, List<PatchOperation> patch) {
    Portgroup seen = get(ident);
    writes.underNodeLock(
        seen.nodeUuid(),
        "update port group",
        false,
        e -> "Another port group already has that name or MAC address.",
        (task, h) -> {
          PortStore.Ids ids = ids(h, seen.uuid());
          Portgroup group =
              PortStore.portgroup(h, "uuid", seen.uuid()).orElseThrow(() -> notFound(ident));
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("name", group.name());
          fields.put("address", group.address());
          fields.put("mode", group.mode());
          fields.put("properties", FieldPatch.deepCopy(group.properties()));
          fields.put("standalone_ports_supported", group.standalonePortsSupported());
          fields.put("extra", FieldPatch.deepCopy(group.extra()));
          Map<String, Object> columns = FieldPatch.apply(fields, patch, PATCHABLE, DOCUMENTS);
          if (columns.containsKey("name")) {
            columns.put("name", name(NodeChildWrites.text(columns.get("name"), "name", 255)));
          }
          if (columns.containsKey("address") && columns.get("address") != null) {
            columns.put("address", MacAddress.normalize(columns.get("address"), "address"));
          }
          if (columns.containsKey("mode")) {
            columns.put("mode", NodeChildWrites.text(columns.get("mode"), "mode", 255));
          }
          if (columns.containsKey("standalone_ports_supported")) {
            columns.put(
                "standalone_ports_supported",
                LenientBoolean.parse(
                    columns.get("standalone_ports_supported"), "standalone_ports_supported"));
          }
          if (!columns.isEmpty()) {
            PortStore.updatePortgroup(h, ids.id(), columns, ctx.now());
          }
          return null;
        });
    return get(seen.uuid());
  }

  /**
   * Deletes the port group.
   *
   * @throws NodeConflictException while ports are members of it
   * @throws NodeNotFoundException if there is no such port group
   */
  public void delete(String ident) {
    Portgroup seen = get(ident);
    writes.underNodeLock(
        seen.nodeUuid(),
        "delete port group",
        false,
        e -> "Port group " + ident + " could not be deleted",
        (task, h) -> {
          PortStore.Ids ids = ids(h, seen.uuid());
          if (PortStore.hasPorts(h, ids.id())) {
            throw new NodeConflictException(
                "Cannot complete the requested action because portgroup "
                    + ident
                    + " contains ports.");
          }
          return PortStore.deletePortgroup(h, ids.id());
        });
  }

  /** The ids of port group {@code ident} (UUID or name). */
  static PortStore.Ids ids(Handle h, String ident) {
    return PortStore.portgroupIds(
            h, ConductorContext.keyColumn(ident), ConductorContext.keyValue(ident))
        .orElseThrow(() -> notFound(ident));
  }

  private static String name(String name) {
    if (name != null && (!NAME.matcher(name).matches() || ConductorContext.looksLikeUuid(name))) {
      throw new InvalidParameterException(
          "\""
              + name
              + "\" is not a valid port group name: use 1 to 255 letters, digits, '-',"
              + " '_', '.' or '~' (not a UUID)");
    }
    return name;
  }

  private static NodeNotFoundException notFound(String ident) {
    return new NodeNotFoundException("Portgroup " + ident + " could not be found.");
  }
}
