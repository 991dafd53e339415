package io.ferrum.conductor;

import io.ferrum.conductor.internal.PortStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nodes' network ports (Ironic's {@code /v1/ports}). A port belongs to one node and goes with it
 * when the node is deleted; its MAC address is unique among all ports. Every change takes the
 * node's exclusive lock and is one transaction; reads take no lock. Thread-safe.
 */
public final class Ports {

  private static final Set<String> PATCHABLE =
      Set.of(
          "address",
          "portgroup_uuid",
          "pxe_enabled",
          "local_link_connection",
          "physical_network",
          "is_smartnic",
          "extra");
  private static final Set<String> DOCUMENTS = Set.of("local_link_connection", "extra");
  private static final Set<String> LINK_KEYS =
      Set.of("switch_id", "port_id", "switch_info", "network_type", "hostname");

  private final ConductorContext ctx;
  private final NodeChildWrites writes;

  Ports(ConductorContext ctx, TaskManager tasks) {
    this.ctx = ctx;
    this.writes = new NodeChildWrites(ctx, tasks);
  }

  /**
   * Creates a port on {@code spec.node()}.
   *
   * @throws InvalidParameterException for a bad address, UUID, link or field, an unknown node, or a
   *     port group of another node
   * @throws NodeConflictException if the address or UUID is taken
   * @throws NodeLockedException if the node stays busy
   */
  public Port create(PortSpec spec) {
    if (spec.node() == null) {
      throw new InvalidParameterException("A port needs a node (node_uuid)");
    }
    String address = MacAddress.normalize(spec.address(), "address");
    String uuid = NodeChildWrites.uuid(spec.uuid(), "port");
    checkLink(spec.localLinkConnection());
    String physnet = NodeChildWrites.text(spec.physicalNetwork(), "physical_network", 64);
    writes.underNodeLock(
        spec.node(),
        "create port",
        true,
        e -> clash(uuid, address),
        (task, h) -> {
          PortStore.insertPort(
              h,
              uuid,
              address,
              task.node().id(),
              groupOf(h, spec.portgroup(), task.node()),
              spec.pxeEnabled() == null || spec.pxeEnabled(),
              spec.localLinkConnection(),
              physnet,
              spec.isSmartnic() != null && spec.isSmartnic(),
              spec.extra(),
              ctx.now());
          return null;
        });
    return get(uuid);
  }

  /**
   * The port with UUID {@code uuid}.
   *
   * @throws NodeNotFoundException (a 404) if there is none
   */
  public Port get(String uuid) {
    return writes
        .read("read port " + uuid, h -> PortStore.port(h, key(uuid)))
        .orElseThrow(() -> notFound(uuid));
  }

  /**
   * One page of ports matching {@code query}.
   *
   * @throws NodeNotFoundException if the query names a node or port group that does not exist
   */
  public Page<Port> list(PortQuery query) {
    return writes.read(
        "list ports",
        h -> {
          Long node = query.node() == null ? null : ctx.find(h, query.node()).id();
          Long group = query.portgroup() == null ? null : Portgroups.ids(h, query.portgroup()).id();
          PortQuery normalized = query.normalized();
          return PortStore.ports(h, normalized, node, group);
        });
  }

  /**
   * Applies RFC 6902 operations to the port's {@code address}, {@code portgroup_uuid}, {@code
   * pxe_enabled}, {@code local_link_connection}, {@code physical_network}, {@code is_smartnic} and
   * {@code extra}, under its node's exclusive lock.
   *
   * @throws InvalidParameterException for a bad path, operation or value
   * @throws NodeConflictException if the new address is taken
   * @throws NodeNotFoundException if there is no such port
   */
  public Port update(String uuid, List<PatchOperation> patch) {
    Port seen = get(uuid);
    writes.underNodeLock(
        seen.nodeUuid(),
        "update port",
        false,
        e -> "Another port already has that MAC address.",
        (task, h) -> {
          PortStore.Ids ids = PortStore.portIds(h, seen.uuid()).orElseThrow(() -> notFound(uuid));
          Port port = PortStore.port(h, seen.uuid()).orElseThrow(() -> notFound(uuid));
          Map<String, Object> columns = columns(h, port, patch, task.node());
          if (!columns.isEmpty()) {
            PortStore.updatePort(h, ids.id(), columns, ctx.now());
          }
          return null;
        });
    return get(seen.uuid());
  }

  /**
   * Deletes the port.
   *
   * @throws NodeNotFoundException if there is no such port
   * @throws NodeLockedException if its node stays busy
   */
  public void delete(String uuid) {
    Port seen = get(uuid);
    writes.underNodeLock(
        seen.nodeUuid(),
        "delete port",
        false,
        e -> "Port " + uuid + " could not be deleted",
        (task, h) -> {
          PortStore.Ids ids = PortStore.portIds(h, seen.uuid()).orElseThrow(() -> notFound(uuid));
          return PortStore.deletePort(h, ids.id());
        });
  }

  /** The checked, typed columns a patch of {@code port} changes. */
  private Map<String, Object> columns(
      org.jdbi.v3.core.Handle h, Port port, List<PatchOperation> patch, Node node) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("address", port.address());
    fields.put("portgroup_uuid", port.portgroupUuid());
    fields.put("pxe_enabled", port.pxeEnabled());
    fields.put("local_link_connection", FieldPatch.deepCopy(port.localLinkConnection()));
    fields.put("physical_network", port.physicalNetwork());
    fields.put("is_smartnic", port.isSmartnic());
    fields.put("extra", FieldPatch.deepCopy(port.extra()));
    Map<String, Object> changed = FieldPatch.apply(fields, patch, PATCHABLE, DOCUMENTS);
    Map<String, Object> columns = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : changed.entrySet()) {
      Object value = e.getValue();
      switch (e.getKey()) {
        case "address" -> columns.put("address", MacAddress.normalize(value, "address"));
        case "portgroup_uuid" ->
            columns.put(
                "portgroup_id",
                groupOf(h, NodeChildWrites.text(value, "portgroup_uuid", 255), node));
        case "pxe_enabled", "is_smartnic" ->
            columns.put(e.getKey(), LenientBoolean.parse(value, e.getKey()));
        case "local_link_connection" -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> link = (Map<String, Object>) value;
          checkLink(link);
          columns.put(e.getKey(), link);
        }
        case "physical_network" ->
            columns.put(e.getKey(), NodeChildWrites.text(value, "physical_network", 64));
        default -> columns.put(e.getKey(), value);
      }
    }
    return columns;
  }

  /** The id of port group {@code ident}, which must belong to {@code node}; null for none. */
  private static Long groupOf(org.jdbi.v3.core.Handle h, String ident, Node node) {
    if (ident == null) {
      return null;
    }
    PortStore.Ids group;
    try {
      group = Portgroups.ids(h, ident);
    } catch (NodeNotFoundException e) {
      throw new InvalidParameterException(e.getMessage(), e);
    }
    if (group.nodeId() != node.id()) {
      throw new InvalidParameterException(
          "Port group " + ident + " belongs to another node than " + node.label());
    }
    return group.id();
  }

  /**
   * Ironic's rule for {@code local_link_connection}: known keys only, string values; a managed link
   * (no {@code network_type}, or {@code managed}) that names anything names {@code port_id} and
   * {@code switch_id} (a MAC address) or {@code hostname}.
   */
  private static void checkLink(Map<String, Object> link) {
    if (link.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Object> e : link.entrySet()) {
      if (!LINK_KEYS.contains(e.getKey())) {
        throw new InvalidParameterException(
            "local_link_connection has an unknown key \""
                + e.getKey()
                + "\"; allowed: "
                + new java.util.TreeSet<>(LINK_KEYS));
      }
      if (!(e.getValue() instanceof String)) {
        throw new InvalidParameterException(
            "local_link_connection." + e.getKey() + " must be a string");
      }
    }
    Object type = link.get("network_type");
    if (type != null && !type.equals("managed") && !type.equals("unmanaged")) {
      throw new InvalidParameterException(
          "local_link_connection.network_type must be managed or unmanaged, not \"" + type + "\"");
    }
    if ("unmanaged".equals(type)) {
      return;
    }
    boolean bySwitch = link.containsKey("port_id") && link.containsKey("switch_id");
    boolean byHost = link.containsKey("port_id") && link.containsKey("hostname");
    if (!bySwitch && !byHost) {
      throw new InvalidParameterException(
          "local_link_connection needs port_id with switch_id (or with hostname, for a smart NIC)");
    }
    Object switchId = link.get("switch_id");
    if (switchId != null && !MacAddress.valid((String) switchId)) {
      throw new InvalidParameterException(
          "local_link_connection.switch_id must be a MAC address, not \"" + switchId + "\"");
    }
  }

  private static String key(String uuid) {
    return uuid.toLowerCase(java.util.Locale.ROOT);
  }

  private static NodeNotFoundException notFound(String uuid) {
    return new NodeNotFoundException("Port " + uuid + " could not be found.");
  }

  /** Which unique key a new port clashed on. */
  private String clash(String uuid, String address) {
    boolean uuidTaken = writes.read("read port", h -> PortStore.portIds(h, uuid).isPresent());
    return uuidTaken
        ? "A port with UUID " + uuid + " already exists."
        : "A port with MAC address " + address + " already exists.";
  }
}
