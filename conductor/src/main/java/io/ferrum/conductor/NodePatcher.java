package io.ferrum.conductor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies an RFC 6902 patch ({@link FieldPatch}) to a copy of a node's editable fields and returns
 * the columns that changed, with their types checked. The node itself is never modified. Stateless
 * and thread-safe.
 */
final class NodePatcher {

  private NodePatcher() {}

  static Map<String, Object> apply(
      Node node, List<PatchOperation> patch, Set<String> patchable, Set<String> documents) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", node.name());
    fields.put("driver", node.driver());
    fields.put("driver_info", deepCopy(node.driverInfo()));
    fields.put("instance_info", deepCopy(node.instanceInfo()));
    fields.put("properties", deepCopy(node.properties()));
    fields.put("extra", deepCopy(node.extra()));
    fields.put("maintenance", node.maintenance());
    fields.put("maintenance_reason", node.maintenanceReason());
    fields.put("conductor_group", node.conductorGroup());
    fields.putAll(NodeAttributeRules.values(node.attributes()));
    Map<String, Object> columns = FieldPatch.apply(fields, patch, patchable, documents);
    if (columns.containsKey("maintenance")) {
      columns.put("maintenance", LenientBoolean.parse(columns.get("maintenance"), "maintenance"));
    }
    if (columns.containsKey("maintenance_reason")
        && columns.get("maintenance_reason") != null
        && !(columns.get("maintenance_reason") instanceof String)) {
      throw new InvalidParameterException("maintenance_reason must be a string");
    }
    if (columns.containsKey("name")
        && columns.get("name") != null
        && !(columns.get("name") instanceof String)) {
      throw new InvalidParameterException("name must be a string");
    }
    return columns;
  }

  private static Map<String, Object> deepCopy(Map<?, ?> map) {
    return FieldPatch.deepCopy(map);
  }
}
