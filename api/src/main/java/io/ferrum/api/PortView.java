package io.ferrum.api;

import io.ferrum.conductor.Port;
import io.ferrum.conductor.Portgroup;
import io.ferrum.conductor.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Ports and port groups as Ironic's API shows them at a given microversion: each field from the
 * version that introduced it. {@code extra} is shown as stored, as in Ironic; {@code internal_info}
 * is masked. Stateless and thread-safe.
 */
final class PortView {

  /** Fields of a port list without {@code fields} or details. */
  static final Set<String> PORT_SHORT = Set.of("uuid", "address");

  /** Fields of a port group list without {@code fields} or details. */
  static final Set<String> PORTGROUP_SHORT = Set.of("uuid", "address", "name");

  private record Field<T>(String name, int since, Function<T, Object> value) {}

  private static final List<Field<Port>> PORT =
      List.of(
          new Field<Port>("uuid", 1, Port::uuid),
          new Field<Port>("address", 1, Port::address),
          new Field<Port>("node_uuid", 1, Port::nodeUuid),
          new Field<Port>("portgroup_uuid", 24, Port::portgroupUuid),
          new Field<Port>("pxe_enabled", 19, Port::pxeEnabled),
          new Field<Port>("local_link_connection", 19, Port::localLinkConnection),
          new Field<Port>("physical_network", 34, Port::physicalNetwork),
          new Field<Port>("internal_info", 18, p -> Secrets.mask(p.internalInfo())),
          new Field<Port>("is_smartnic", 53, Port::isSmartnic),
          new Field<Port>("extra", 1, Port::extra),
          new Field<Port>("created_at", 1, p -> Links.time(p.createdAt())),
          new Field<Port>("updated_at", 1, p -> Links.time(p.updatedAt())));

  private static final List<Field<Portgroup>> PORTGROUP =
      List.of(
          new Field<Portgroup>("uuid", 23, Portgroup::uuid),
          new Field<Portgroup>("name", 23, Portgroup::name),
          new Field<Portgroup>("address", 23, Portgroup::address),
          new Field<Portgroup>("node_uuid", 23, Portgroup::nodeUuid),
          new Field<Portgroup>("mode", 26, Portgroup::mode),
          new Field<Portgroup>("properties", 26, Portgroup::properties),
          new Field<Portgroup>(
              "standalone_ports_supported", 23, Portgroup::standalonePortsSupported),
          new Field<Portgroup>("internal_info", 23, g -> Secrets.mask(g.internalInfo())),
          new Field<Portgroup>("extra", 23, Portgroup::extra),
          new Field<Portgroup>("created_at", 23, g -> Links.time(g.createdAt())),
          new Field<Portgroup>("updated_at", 23, g -> Links.time(g.updatedAt())));

  private PortView() {}

  /** The port fields a client may ask for at {@code version}. */
  static Set<String> portFields(ApiVersion version) {
    return names(PORT, version);
  }

  /** The port group fields a client may ask for at {@code version}. */
  static Set<String> portgroupFields(ApiVersion version) {
    return names(PORTGROUP, version);
  }

  /** {@code port} with every field of {@code version}, or only {@code only} (plus links). */
  static Map<String, Object> port(Port port, ApiVersion version, Set<String> only, String base) {
    Map<String, Object> out = render(PORT, port, version, only);
    out.put("links", Links.of(base, "ports/" + port.uuid()));
    return out;
  }

  /** {@code group} with every field of {@code version}, or only {@code only} (plus links). */
  static Map<String, Object> portgroup(
      Portgroup group, ApiVersion version, Set<String> only, String base) {
    Map<String, Object> out = render(PORTGROUP, group, version, only);
    out.put("links", Links.of(base, "portgroups/" + group.uuid()));
    if (only == null) {
      out.put("ports", Links.of(base, "portgroups/" + group.uuid() + "/ports"));
    }
    return out;
  }

  private static <T> Map<String, Object> render(
      List<Field<T>> fields, T item, ApiVersion version, Set<String> only) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field<T> field : fields) {
      if (version.atLeast(field.since()) && (only == null || only.contains(field.name()))) {
        out.put(field.name(), field.value().apply(item));
      }
    }
    return out;
  }

  private static <T> Set<String> names(List<Field<T>> fields, ApiVersion version) {
    Set<String> names = new TreeSet<>();
    for (Field<T> field : fields) {
      if (version.atLeast(field.since())) {
        names.add(field.name());
      }
    }
    return names;
  }
}
