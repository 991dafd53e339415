package io.ferrum.conductor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies RFC 6902 {@code add}, {@code replace} and {@code remove} operations to a copy of a node's
 * editable fields and returns the columns that changed. Paths are JSON pointers ({@code ~1} for
 * {@code /}, {@code ~0} for {@code ~}); nested paths reach into the JSON documents. The node itself
 * is never modified. Stateless and thread-safe.
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
    Set<String> touched = new java.util.LinkedHashSet<>();
    for (PatchOperation op : patch) {
      List<String> path = parse(op.path());
      String field = path.get(0);
      if (!patchable.contains(field)) {
        throw new InvalidParameterException(
            "\"/" + field + "\" can not be patched; patchable fields: " + patchable);
      }
      touched.add(field);
      if (path.size() == 1) {
        applyToField(fields, field, op, documents);
      } else {
        if (!documents.contains(field)) {
          throw new InvalidParameterException(
              "\"" + op.path() + "\": " + field + " has no members");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) fields.get(field);
        applyNested(document, path.subList(1, path.size()), op);
      }
    }
    Map<String, Object> columns = new LinkedHashMap<>();
    for (String field : touched) {
      columns.put(field, fields.get(field));
    }
    if (columns.containsKey("maintenance") && !(columns.get("maintenance") instanceof Boolean)) {
      throw new InvalidParameterException("maintenance must be true or false");
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

  private static void applyToField(
      Map<String, Object> fields, String field, PatchOperation op, Set<String> documents) {
    switch (op.op()) {
      case "add", "replace" -> {
        Object value = op.value();
        if (documents.contains(field)) {
          if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidParameterException("\"/" + field + "\" must be a JSON object");
          }
          fields.put(field, deepCopy(map));
        } else {
          fields.put(field, copyValue(value));
        }
      }
      case "remove" -> {
        if (documents.contains(field)) {
          fields.put(field, new LinkedHashMap<>());
        } else if (field.equals("driver") || field.equals("maintenance")) {
          throw new InvalidParameterException("\"/" + field + "\" can not be removed");
        } else {
          fields.put(field, null);
        }
      }
      default -> throw unknownOp(op);
    }
  }

  private static void applyNested(
      Map<String, Object> document, List<String> path, PatchOperation op) {
    Map<String, Object> parent = document;
    for (String key : path.subList(0, path.size() - 1)) {
      Object child = parent.get(key);
      if (!(child instanceof Map<?, ?>)) {
        throw new InvalidParameterException(
            "\"" + op.path() + "\": there is no object at \"" + key + "\"");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> next = (Map<String, Object>) child;
      parent = next;
    }
    String last = path.get(path.size() - 1);
    switch (op.op()) {
      case "add" -> parent.put(last, copyValue(op.value()));
      case "replace" -> {
        if (!parent.containsKey(last)) {
          throw new InvalidParameterException(
              "\"" + op.path() + "\" does not exist, so it can not be replaced (use add)");
        }
        parent.put(last, copyValue(op.value()));
      }
      case "remove" -> {
        if (!parent.containsKey(last)) {
          throw new InvalidParameterException(
              "\"" + op.path() + "\" does not exist, so it can not be removed");
        }
        parent.remove(last);
      }
      default -> throw unknownOp(op);
    }
  }

  private static InvalidParameterException unknownOp(PatchOperation op) {
    return new InvalidParameterException(
        "Unsupported patch operation \"" + op.op() + "\"; use add, replace or remove");
  }

  private static List<String> parse(String pointer) {
    if (!pointer.startsWith("/") || pointer.length() < 2) {
      throw new InvalidParameterException(
          "Invalid patch path \"" + pointer + "\": a JSON pointer such as /name is expected");
    }
    List<String> parts = new ArrayList<>();
    for (String part : pointer.substring(1).split("/", -1)) {
      if (part.isEmpty()) {
        throw new InvalidParameterException("Invalid patch path \"" + pointer + "\"");
      }
      parts.add(part.replace("~1", "/").replace("~0", "~"));
    }
    return parts;
  }

  /** A mutable deep copy of a JSON value, so later operations can reach into it. */
  private static Object copyValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return deepCopy(map);
    }
    if (value instanceof List<?> list) {
      return new ArrayList<>(list.stream().map(NodePatcher::copyValue).toList());
    }
    return value;
  }

  private static Map<String, Object> deepCopy(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach(
        (key, value) ->
            copy.put(
                String.valueOf(key), value instanceof Map<?, ?> nested ? deepCopy(nested) : value));
    return copy;
  }
}
