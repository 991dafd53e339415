package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.DriverDescription;
import io.ferrum.driver.HardwareInterfaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/drivers}: the enabled hardware types (all "dynamic", as Ironic calls hardware types),
 * with their default and enabled interface implementations (from 1.30, in lists with {@code
 * ?detail=true} and always in a single driver), and {@code /properties}, the {@code driver_info}
 * keys each reads. Thread-safe.
 */
final class DriversResource {

  private final Conductor conductor;

  DriversResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/drivers", this::list)
        .add("GET", "/v1/drivers/{driver}", this::show)
        .add("GET", "/v1/drivers/{driver}/properties", this::properties)
        .add(
            "GET",
            "/v1/drivers/{driver}/raid/logical_disk_properties",
            this::raidLogicalDiskProperties)
        .notImplemented("/v1/drivers/{driver}/vendor_passthru/**", "driver vendor passthru");
  }

  private Response list(Request r) {
    r.onlyQuery(Set.of("type", "detail"));
    String type = r.query().get("type");
    if (type != null && !type.equals("classic") && !type.equals("dynamic")) {
      throw new ApiException(400, "type must be classic or dynamic, not \"" + type + "\"");
    }
    boolean detail = Boolean.TRUE.equals(r.queryBoolean("detail"));
    if (detail) {
      r.requireVersion(30, "The detail parameter of drivers");
    }
    List<Object> drivers = new ArrayList<>();
    if (!"classic".equals(type)) {
      for (String name : conductor.drivers()) {
        drivers.add(driver(r, describe(name), detail));
      }
    }
    return Response.ok(Map.of("drivers", drivers));
  }

  private Response show(Request r) {
    return Response.ok(driver(r, describe(r.param("driver")), true));
  }

  private Response properties(Request r) {
    return Response.ok(describe(r.param("driver")).properties());
  }

  /**
   * The fields of a logical disk in a target RAID configuration (1.12), for a hardware type that
   * offers a RAID interface other than {@code no-raid}; Ironic's 404 for one that does not.
   */
  private Response raidLogicalDiskProperties(Request r) {
    r.onlyQuery(Set.of());
    r.requireEndpointVersion(12, "The RAID logical disk properties of drivers");
    DriverDescription description = describe(r.param("driver"));
    boolean raid =
        description.interfaces().getOrDefault("raid", List.of()).stream()
            .anyMatch(name -> !HardwareInterfaces.unsupported(name));
    if (!raid) {
      throw new ApiException(
          404,
          "Driver " + description.name() + " does not support raid (disabled or not implemented).");
    }
    return Response.ok(io.ferrum.driver.RaidConfigSchema.LOGICAL_DISK_PROPERTIES);
  }

  /** The live conductors that enable hardware type {@code name}. */
  private List<String> hosts(String name) {
    List<String> hosts = new ArrayList<>();
    for (io.ferrum.conductor.ConductorInfo info : conductor.conductors()) {
      if (info.alive() && info.hardwareTypes().contains(name)) {
        hosts.add(info.hostname());
      }
    }
    return hosts.isEmpty() ? List.of(conductor.name()) : hosts;
  }

  private DriverDescription describe(String name) {
    return conductor
        .describeDriver(name)
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "Could not find the following driver(s) or hardware type(s): " + name + "."));
  }

  private Map<String, Object> driver(Request r, DriverDescription description, boolean detail) {
    String name = description.name();
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("hosts", hosts(name));
    driver.put("name", name);
    driver.put("type", "dynamic");
    if (detail && r.atLeast(30)) {
      for (String iface : HardwareInterfaces.NAMES) {
        if (shown(r, iface)) {
          driver.put("default_" + iface + "_interface", description.defaultInterface(iface));
          driver.put(
              "enabled_" + iface + "_interfaces",
              description.interfaces().getOrDefault(iface, List.of()));
        }
      }
    }
    driver.put("links", Links.of(r.baseUrl(), "drivers/" + name));
    driver.put("properties", Links.of(r.baseUrl(), "drivers/" + name + "/properties"));
    return driver;
  }

  /** Whether interface {@code iface}'s fields exist at the request's version. */
  private static boolean shown(Request r, String iface) {
    return switch (iface) {
      case "rescue" -> r.atLeast(38);
      case "bios" -> r.atLeast(40);
      default -> true;
    };
  }
}
