package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Renders nodes for the resources that show them, with what the view needs from the conductor (the
 * live conductor the hash ring gives the node's periodic work to), and reads the node a path names.
 * Thread-safe.
 */
final class NodeViews {

  private final Conductor conductor;
  private final java.util.Map<String, java.util.Optional<io.ferrum.conductor.DriverDescription>>
      drivers = new java.util.concurrent.ConcurrentHashMap<>();

  NodeViews(Conductor conductor) {
    this.conductor = conductor;
  }

  /** {@code node} at the request's version: every field, or only {@code fields}. */
  java.util.Map<String, Object> render(Request r, Node node, Set<String> fields) {
    return NodeView.render(
        node,
        r.version(),
        fields,
        r.baseUrl(),
        conductor.conductorFor(node),
        drivers.computeIfAbsent(node.driver(), conductor::describeDriver).orElse(null));
  }

  /** The fields a client may ask for at the request's version. */
  Set<String> fieldNames(Request r) {
    return NodeView.fieldNames(r.version());
  }

  /** The fields of a node list without {@code fields} or details. */
  static Set<String> shortFields(Request r) {
    Set<String> fields = new LinkedHashSet<>(NodeView.SHORT_FIELDS);
    if (!r.atLeast(5)) {
      fields.remove("name");
    }
    return fields;
  }

  /**
   * The node the path names ({@code {node}}): a UUID, or from 1.5 a name. Before 1.5 a name is
   * simply not found, as in Ironic.
   */
  static String ident(Request r) {
    String ident = r.param("node");
    boolean uuid = ident.length() == 36 && ident.chars().filter(c -> c == '-').count() == 4;
    if (!uuid && !r.atLeast(5)) {
      throw new ApiException(404, "Node " + ident + " could not be found.");
    }
    return ident;
  }
}
