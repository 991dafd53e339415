package io.ferrum.conductor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies RFC 6902 {@code add}, {@code replace} and {@code remove} operations to a copy of a
 * resource's editable fields and returns the fields that changed. Paths are JSON pointers ({@code
 * ~1} for {@code /}, {@code ~0} for {@code ~}); nested paths reach into the fields that are JSON
 * documents. Removing a document empties it; removing {@code protected} or {@code retired} sets it
 * to false, as Ironic does; removing a required field ({@code driver}, {@code maintenance}, {@code
 * address}, {@code node_uuid}) is refused; removing any other field sets it to null. Stateless and
 * thread-safe.
 */
final class FieldPatch {

  private static final Set<String> REQUIRED =
      Set.of("driver", "maintenance", "address", "node_uuid");

  private FieldPatch() {}

  /**
   * Applies {@code patch} to {@code fields} (changed in place: pass a copy) and returns the touched
   * fields with their new values.
   *
   * @throws InvalidParameterException for a path outside {@code patchable}, a member path into a
   *     field that is not in {@code documents}, a bad operation or a missing member
   */
  static Map<String, Object> apply(
      Map<String, Object> fields,
      List<PatchOperation> patch,
      Set<String> patchable,
      Set<String> documents) {
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
        } else if (field.equals("protected") || field.equals("retired")) {
          fields.put(field, false); // Ironic's default, as "baremetal node unset" expects
        } else if (REQUIRED.contains(field)) {
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
      return new ArrayList<>(list.stream().map(FieldPatch::copyValue).toList());
    }
    return value;
  }

  static Map<String, Object> deepCopy(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach(
        (key, value) ->
            copy.put(
                String.valueOf(key), value instanceof Map<?, ?> nested ? deepCopy(nested) : value));
    return copy;
  }
}
