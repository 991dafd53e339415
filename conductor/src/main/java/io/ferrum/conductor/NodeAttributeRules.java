package io.ferrum.conductor;

import io.ferrum.conductor.internal.DriverRegistry;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.HardwareType;
import io.ferrum.fsm.ProvisionEvent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ironic's rules for {@link NodeAttributes}: which fields a PATCH may change, their types and
 * lengths, protection and retirement, and the hardware interfaces a node may choose. Stateless and
 * thread-safe.
 */
final class NodeAttributeRules {

  /** The attribute fields a PATCH may change. */
  static final Set<String> PATCHABLE = patchable();

  private static final Map<String, Integer> TEXT_LIMITS =
      Map.of(
          "resource_class", 80,
          "owner", 255,
          "lessee", 255,
          "description", 4096,
          "protected_reason", 4096,
          "retired_reason", 4096);

  private NodeAttributeRules() {}

  private static Set<String> patchable() {
    Set<String> fields =
        new LinkedHashSet<>(
            java.util.List.of(
                "resource_class",
                "owner",
                "lessee",
                "description",
                "protected_reason",
                "retired_reason"));
    fields.add("protected");
    fields.add("retired");
    for (String name : HardwareInterfaces.NAMES) {
      fields.add(name + "_interface");
    }
    return Set.copyOf(fields);
  }

  /** The current values of the {@link #PATCHABLE} fields of {@code attributes}. */
  static Map<String, Object> values(NodeAttributes attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("resource_class", attributes.resourceClass());
    values.put("owner", attributes.owner());
    values.put("lessee", attributes.lessee());
    values.put("description", attributes.description());
    values.put("protected", attributes.isProtected());
    values.put("protected_reason", attributes.protectedReason());
    values.put("retired", attributes.retired());
    values.put("retired_reason", attributes.retiredReason());
    for (String name : HardwareInterfaces.NAMES) {
      values.put(name + "_interface", attributes.iface(name));
    }
    return values;
  }

  /**
   * The attributes a new node of {@code type} starts with: {@code requested}'s texts checked, its
   * interfaces resolved, protection and retirement off, no traits.
   *
   * @throws InvalidParameterException for a text too long or an interface {@code type} lacks
   */
  static NodeAttributes forNewNode(HardwareType type, NodeAttributes requested) {
    Map<String, Object> texts = new LinkedHashMap<>();
    texts.put("resource_class", requested.resourceClass());
    texts.put("owner", requested.owner());
    texts.put("lessee", requested.lessee());
    texts.put("description", requested.description());
    texts.forEach(NodeAttributeRules::checkText);
    return NodeAttributes.of(
            requested.resourceClass(),
            requested.owner(),
            requested.lessee(),
            requested.description())
        .withInterfaces(NodeInterfaces.resolve(type, Map.of(), requested.interfaces(), false));
  }

  /**
   * Checks and completes the attribute columns of an update of {@code node} in place: texts and
   * booleans get their types (Ironic's lenient booleans are read), a reason needs its flag and goes
   * with it, protection needs a deployed node, and interfaces are resolved against the hardware
   * type the node will have; a new hardware type resets every interface not chosen in the same
   * update to its default.
   *
   * @throws InvalidParameterException for a wrong type, a text too long, a reason without its flag,
   *     or an interface the hardware type lacks
   * @throws NodeConflictException for protection outside {@code active} and {@code rescue}
   */
  static void checkUpdate(DriverRegistry drivers, Node node, Map<String, Object> columns) {
    for (String field : TEXT_LIMITS.keySet()) {
      if (columns.containsKey(field)) {
        checkText(field, columns.get(field));
      }
    }
    NodeAttributes current = node.attributes();
    boolean isProtected = flag(columns, "protected", current.isProtected());
    boolean retired = flag(columns, "retired", current.retired());
    reason(columns, "protected", isProtected, current.protectedReason());
    reason(columns, "retired", retired, current.retiredReason());
    if (isProtected
        && !current.isProtected()
        && !node.provisionState().equals("active")
        && !node.provisionState().equals("rescue")) {
      throw new NodeConflictException(
          "Node "
              + node.label()
              + " can only be protected in provision state \"active\" or \"rescue\", not \""
              + node.provisionState()
              + "\".");
    }
    String driver = (String) columns.getOrDefault("driver", node.driver());
    boolean driverChanged = !driver.equals(node.driver());
    Map<String, String> requested = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      String field = name + "_interface";
      if (columns.containsKey(field)) {
        Object value = columns.get(field);
        if (value != null && !(value instanceof String)) {
          throw new InvalidParameterException(field + " must be a string");
        }
        requested.put(name, (String) value);
      }
    }
    if (!requested.isEmpty() || driverChanged) {
      Map<String, String> resolved =
          NodeInterfaces.resolve(
              drivers.require(driver), current.interfaces(), requested, driverChanged);
      for (String name : HardwareInterfaces.NAMES) {
        columns.put(name + "_interface", resolved.get(name));
      }
    }
  }

  /**
   * Refuses a provision event the node's attributes forbid: undeploy and rebuild of a protected
   * node, provide of a retired one.
   */
  static void checkEvent(Node node, ProvisionEvent event) {
    if (node.attributes().isProtected()
        && (event == ProvisionEvent.DELETE || event == ProvisionEvent.REBUILD)) {
      throw protectedNode(node);
    }
    if (node.attributes().retired() && event == ProvisionEvent.PROVIDE) {
      throw new InvalidParameterException(
          "The provide operation can't be performed on node "
              + node.label()
              + " because it is retired.");
    }
  }

  /** Refuses to delete a protected node. */
  static void checkDelete(Node node) {
    if (node.attributes().isProtected()) {
      throw protectedNode(node);
    }
  }

  private static NodeProtectedException protectedNode(Node node) {
    return new NodeProtectedException(
        "Node "
            + node.label()
            + " is protected and can not be undeployed, rebuilt or deleted"
            + (node.attributes().protectedReason() == null
                ? ""
                : " (" + node.attributes().protectedReason() + ")")
            + "; unset protected first.");
  }

  /** The flag {@code field} after the update, stored back as a Boolean. */
  private static boolean flag(Map<String, Object> columns, String field, boolean current) {
    if (!columns.containsKey(field)) {
      return current;
    }
    if (columns.get(field) == null) {
      throw new InvalidParameterException(field + " can not be removed; set it to false");
    }
    boolean value = LenientBoolean.parse(columns.get(field), field);
    columns.put(field, value);
    return value;
  }

  /** A reason needs its flag; clearing the flag clears the reason, as in Ironic. */
  private static void reason(
      Map<String, Object> columns, String flag, boolean on, String currentReason) {
    String field = flag + "_reason";
    Object reason = columns.containsKey(field) ? columns.get(field) : currentReason;
    if (!on) {
      if (columns.containsKey(field) && reason != null) {
        throw new InvalidParameterException(
            "The " + field + " field can only be set when " + flag + " is true");
      }
      if (currentReason != null) {
        columns.put(field, null);
      }
    }
  }

  private static void checkText(String field, Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof String text)) {
      throw new InvalidParameterException(field + " must be a string");
    }
    int limit = TEXT_LIMITS.get(field);
    if (text.length() > limit) {
      throw new InvalidParameterException(
          field + " is longer than " + limit + " characters (" + text.length() + ")");
    }
  }
}
