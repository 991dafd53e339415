package io.ferrum.conductor;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's Ironic fields that describe and classify it rather than drive it: scheduling and
 * ownership ({@code resource_class}, {@code traits}, {@code owner}, {@code lessee}), free text
 * ({@code description}), protection against undeploy, rebuild and delete ({@code protected}),
 * retirement ({@code retired}), the implementation chosen for each hardware interface ({@code
 * boot_interface}, ...), and when inspection last started and finished. Immutable.
 *
 * @param resourceClass the node's class for scheduling, or {@code null}
 * @param owner the project that owns the node, or {@code null}
 * @param lessee the project the node is leased to, or {@code null}
 * @param description free text, or {@code null}
 * @param isProtected whether undeploy, rebuild and delete are refused
 * @param protectedReason why, or {@code null}
 * @param retired whether the node is on its way out of service (it can not be provided)
 * @param retiredReason why, or {@code null}
 * @param interfaces interface name ({@code boot}, {@code deploy}, ...) to the chosen
 *     implementation; an interface that is absent uses its hardware type's default
 * @param traits the node's traits, sorted, no duplicates
 * @param inspectionStartedAt when the running inspection started, or {@code null}
 * @param inspectionFinishedAt when the last inspection finished, or {@code null}
 */
public record NodeAttributes(
    String resourceClass,
    String owner,
    String lessee,
    String description,
    boolean isProtected,
    String protectedReason,
    boolean retired,
    String retiredReason,
    Map<String, String> interfaces,
    List<String> traits,
    Instant inspectionStartedAt,
    Instant inspectionFinishedAt) {

  /** No attributes: every field unset, every interface its hardware type's default. */
  public static final NodeAttributes NONE =
      new NodeAttributes(
          null, null, null, null, false, null, false, null, Map.of(), List.of(), null, null);

  public NodeAttributes {
    interfaces =
        interfaces == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(interfaces));
    traits = traits == null ? List.of() : List.copyOf(new java.util.TreeSet<>(traits));
  }

  /** The implementation chosen for interface {@code name}, or {@code null} for the default. */
  public String iface(String name) {
    return interfaces.get(name);
  }

  /** Attributes for a new node: a class for scheduling, owner, lessee and description. */
  public static NodeAttributes of(
      String resourceClass, String owner, String lessee, String description) {
    return new NodeAttributes(
        resourceClass,
        owner,
        lessee,
        description,
        false,
        null,
        false,
        null,
        Map.of(),
        List.of(),
        null,
        null);
  }

  /** These attributes with {@code chosen} interfaces. */
  public NodeAttributes withInterfaces(Map<String, String> chosen) {
    return new NodeAttributes(
        resourceClass,
        owner,
        lessee,
        description,
        isProtected,
        protectedReason,
        retired,
        retiredReason,
        chosen,
        traits,
        inspectionStartedAt,
        inspectionFinishedAt);
  }
}
