package io.ferrum.conductor;

import java.util.Map;

/**
 * What a new port is made of. {@code address} and {@code node} are required. Immutable.
 *
 * @param uuid the UUID to use, or {@code null} to generate one
 * @param address its MAC address ({@code 52:54:00:12:34:56}, or with dashes, any case)
 * @param node the node it belongs to (UUID or name)
 * @param portgroup the port group of the same node it joins (UUID or name), or {@code null}
 * @param pxeEnabled whether the node may boot from the network through it ({@code null}: true)
 * @param localLinkConnection where it is plugged in, or {@code null}
 * @param physicalNetwork the physical network it is on, or {@code null}
 * @param isSmartnic whether it is a smart NIC ({@code null}: false)
 * @param extra free-form user data, or {@code null}
 */
public record PortSpec(
    String uuid,
    String address,
    String node,
    String portgroup,
    Boolean pxeEnabled,
    Map<String, Object> localLinkConnection,
    String physicalNetwork,
    Boolean isSmartnic,
    Map<String, Object> extra) {

  public PortSpec {
    localLinkConnection = localLinkConnection == null ? Map.of() : localLinkConnection;
    extra = extra == null ? Map.of() : extra;
  }

  /** A port with just a MAC address, on {@code node}. */
  public static PortSpec of(String address, String node) {
    return new PortSpec(null, address, node, null, null, null, null, null, null);
  }
}
