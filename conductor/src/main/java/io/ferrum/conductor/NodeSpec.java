package io.ferrum.conductor;

import java.util.Map;

/**
 * What a new node is made of. Only {@code driver} is required.
 *
 * @param uuid the UUID to use, or {@code null} to generate one
 * @param name a unique name, or {@code null}
 * @param driver the hardware type's name
 * @param driverInfo how to reach the hardware
 * @param instanceInfo what to deploy
 * @param properties known hardware properties
 * @param extra free-form user data
 * @param initialState {@code enroll} (the default) or {@code available} (Ironic API before 1.11)
 * @param attributes the new node's resource class, owner, lessee, description and chosen interfaces
 *     (interfaces not chosen get their hardware type's default); protection, retirement, traits and
 *     inspection times are set later, by their own requests
 * @param conductorGroup the conductor group whose conductors run the node's periodic work ({@code
 *     null} or empty: the default group); stored in lower case, as Ironic stores it
 */
public record NodeSpec(
    String uuid,
    String name,
    String driver,
    Map<String, Object> driverInfo,
    Map<String, Object> instanceInfo,
    Map<String, Object> properties,
    Map<String, Object> extra,
    String initialState,
    NodeAttributes attributes,
    String conductorGroup) {

  public NodeSpec {
    conductorGroup = conductorGroup == null ? "" : conductorGroup;
    attributes = attributes == null ? NodeAttributes.NONE : attributes;
    driverInfo = driverInfo == null ? Map.of() : driverInfo;
    instanceInfo = instanceInfo == null ? Map.of() : instanceInfo;
    properties = properties == null ? Map.of() : properties;
    extra = extra == null ? Map.of() : extra;
  }

  /** A spec in the default conductor group. */
  public NodeSpec(
      String uuid,
      String name,
      String driver,
      Map<String, Object> driverInfo,
      Map<String, Object> instanceInfo,
      Map<String, Object> properties,
      Map<String, Object> extra,
      String initialState,
      NodeAttributes attributes) {
    this(
        uuid,
        name,
        driver,
        driverInfo,
        instanceInfo,
        properties,
        extra,
        initialState,
        attributes,
        "");
  }

  /** A spec with just a driver and its {@code driver_info}. */
  public static NodeSpec of(String driver, Map<String, Object> driverInfo) {
    return new NodeSpec(null, null, driver, driverInfo, null, null, null, null, null, "");
  }

  /** This spec with {@code name}. */
  public NodeSpec withName(String newName) {
    return new NodeSpec(
        uuid,
        newName,
        driver,
        driverInfo,
        instanceInfo,
        properties,
        extra,
        initialState,
        attributes,
        conductorGroup);
  }

  /** This spec with {@code instance_info}. */
  public NodeSpec withInstanceInfo(Map<String, Object> info) {
    return new NodeSpec(
        uuid,
        name,
        driver,
        driverInfo,
        info,
        properties,
        extra,
        initialState,
        attributes,
        conductorGroup);
  }

  /** This spec starting in {@code state}. */
  public NodeSpec withInitialState(String state) {
    return new NodeSpec(
        uuid,
        name,
        driver,
        driverInfo,
        instanceInfo,
        properties,
        extra,
        state,
        attributes,
        conductorGroup);
  }

  /** This spec in conductor group {@code group}. */
  public NodeSpec withConductorGroup(String group) {
    return new NodeSpec(
        uuid,
        name,
        driver,
        driverInfo,
        instanceInfo,
        properties,
        extra,
        initialState,
        attributes,
        group);
  }

  /** This spec with {@code value} as its attributes. */
  public NodeSpec withAttributes(NodeAttributes value) {
    return new NodeSpec(
        uuid,
        name,
        driver,
        driverInfo,
        instanceInfo,
        properties,
        extra,
        initialState,
        value,
        conductorGroup);
  }
}
