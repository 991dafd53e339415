package io.ferrum.conductor;

import java.util.Map;

/**
 * What a new port group is made of. Only {@code node} is required. Immutable.
 *
 * @param uuid the UUID to use, or {@code null} to generate one
 * @param name a unique name, or {@code null}
 * @param address its MAC address, or {@code null}
 * @param node the node it belongs to (UUID or name)
 * @param mode the bonding mode, or {@code null} for {@code active-backup}
 * @param properties bonding properties, or {@code null}
 * @param standalonePortsSupported whether its ports may be used on their own ({@code null}: true)
 * @param extra free-form user data, or {@code null}
 */
public record PortgroupSpec(
    String uuid,
    String name,
    String address,
    String node,
    String mode,
    Map<String, Object> properties,
    Boolean standalonePortsSupported,
    Map<String, Object> extra) {

  public PortgroupSpec {
    properties = properties == null ? Map.of() : properties;
    extra = extra == null ? Map.of() : extra;
  }
}
