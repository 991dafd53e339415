package io.ferrum.api;

import io.ferrum.conductor.DriverDescription;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A node as Ironic's API shows it at a given microversion: each field appears from the version that
 * introduced it. Secrets are masked as Ironic masks them ({@link Secrets}): in {@code driver_info},
 * {@code driver_internal_info} and {@code instance_info} (whose {@code configdrive} and {@code
 * image_url} are always hidden), and where free text ({@code last_error}, {@code
 * maintenance_reason}) assigns one; {@code properties} and {@code extra} are shown as stored, as in
 * Ironic. Stateless and thread-safe.
 */
final class NodeView {

  /** Fields of {@code GET /v1/nodes} without {@code fields} or {@code detail}. */
  static final List<String> SHORT_FIELDS =
      List.of("instance_uuid", "maintenance", "name", "power_state", "provision_state", "uuid");

  private record Field(String name, int since, Function<Ctx, Object> value) {}

  private record Ctx(Node node, String conductor, DriverDescription driver) {}

  private static final List<Field> FIELDS = new ArrayList<>();

  static {
    field("uuid", 1, c -> c.node.uuid());
    field("created_at", 1, c -> Links.time(c.node.createdAt()));
    field("updated_at", 1, c -> Links.time(c.node.updatedAt()));
    field("automated_clean", 47, c -> null);
    field("bios_interface", 40, c -> iface(c, "bios"));
    field("boot_interface", 31, c -> iface(c, "boot"));
    field("boot_mode", 75, c -> null);
    field("chassis_uuid", 1, c -> null);
    field("clean_step", 7, c -> Map.of());
    field("conductor", 49, c -> c.conductor);
    field("conductor_group", 46, c -> c.node.conductorGroup());
    field("console_enabled", 1, c -> false);
    field("console_interface", 31, c -> iface(c, "console"));
    field("deploy_interface", 31, c -> iface(c, "deploy"));
    field("deploy_step", 44, c -> Map.of());
    field("description", 51, c -> c.node.attributes().description());
    field("driver", 1, c -> c.node.driver());
    field("driver_info", 1, c -> c.node.maskedDriverInfo());
    field("driver_internal_info", 1, c -> Secrets.mask(c.node.driverInternalInfo()));
    field("extra", 1, c -> c.node.extra());
    field("fault", 42, c -> c.node.fault());
    field("inspect_interface", 31, c -> iface(c, "inspect"));
    field("inspection_finished_at", 6, c -> Links.time(c.node.attributes().inspectionFinishedAt()));
    field("inspection_started_at", 6, c -> Links.time(c.node.attributes().inspectionStartedAt()));
    field("instance_info", 1, c -> c.node.maskedInstanceInfo());
    field(
        "instance_uuid",
        1,
        c ->
            c.node.instanceUuid() != null
                ? c.node.instanceUuid()
                : c.node.instanceInfo().get("instance_uuid"));
    field("last_error", 1, c -> Secrets.maskText(c.node.lastError()));
    field("lessee", 65, c -> c.node.attributes().lessee());
    field("maintenance", 1, c -> c.node.maintenance());
    field("maintenance_reason", 1, c -> Secrets.maskText(c.node.maintenanceReason()));
    field("management_interface", 31, c -> iface(c, "management"));
    field("name", 5, c -> c.node.name());
    field("network_data", 66, c -> Map.of());
    field("network_interface", 20, c -> iface(c, "network"));
    field("owner", 50, c -> c.node.attributes().owner());
    field("power_interface", 31, c -> iface(c, "power"));
    field("power_state", 1, c -> c.node.powerState());
    field("properties", 1, c -> c.node.properties());
    field("protected", 48, c -> c.node.attributes().isProtected());
    field("protected_reason", 48, c -> c.node.attributes().protectedReason());
    field("provision_state", 1, c -> c.node.provisionState());
    field("provision_updated_at", 1, c -> Links.time(c.node.provisionUpdatedAt()));
    field("raid_config", 12, c -> c.node.raidConfig());
    field("raid_interface", 31, c -> iface(c, "raid"));
    field("rescue_interface", 38, c -> iface(c, "rescue"));
    field("reservation", 1, c -> c.node.reservation());
    field("resource_class", 21, c -> c.node.attributes().resourceClass());
    field("retired", 61, c -> c.node.attributes().retired());
    field("retired_reason", 61, c -> c.node.attributes().retiredReason());
    field("secure_boot", 75, c -> null);
    field("storage_interface", 33, c -> iface(c, "storage"));
    field("target_power_state", 1, c -> c.node.targetPowerState());
    field("target_provision_state", 1, c -> c.node.targetProvisionState());
    field("target_raid_config", 12, c -> c.node.targetRaidConfig());
    field("traits", 37, c -> c.node.attributes().traits());
    field("vendor_interface", 31, c -> iface(c, "vendor"));
    field("allocation_uuid", 52, c -> c.node.allocationUuid());
  }

  private NodeView() {}

  private static void field(String name, int since, Function<Ctx, Object> value) {
    FIELDS.add(new Field(name, since, value));
  }

  /** The version that introduced field {@code name}, or {@code null} for no field of a node. */
  static Integer since(String name) {
    for (Field field : FIELDS) {
      if (field.name.equals(name)) {
        return field.since;
      }
    }
    return null;
  }

  /** The names of every field a client may ask for at {@code version}. */
  static Set<String> fieldNames(ApiVersion version) {
    return FIELD_NAMES.get(version.minor());
  }

  /** {@link #fieldNames} by minor version, computed once: every GET with fields= asks. */
  private static final List<Set<String>> FIELD_NAMES = fieldNamesByVersion();

  private static List<Set<String>> fieldNamesByVersion() {
    List<Set<String>> byMinor = new java.util.ArrayList<>();
    for (int minor = 0; minor <= ApiVersion.MAX.minor(); minor++) {
      Set<String> names = new java.util.TreeSet<>();
      for (Field field : FIELDS) {
        if (minor >= field.since) {
          names.add(field.name);
        }
      }
      byMinor.add(java.util.Collections.unmodifiableSet(names));
    }
    return List.copyOf(byMinor);
  }

  /**
   * The node as JSON-ready map: every field of {@code version}, or only {@code only} (plus links
   * and uuid); with links built from {@code baseUrl}.
   */
  static Map<String, Object> render(
      Node node,
      ApiVersion version,
      Set<String> only,
      String baseUrl,
      String conductor,
      DriverDescription driver) {
    Ctx ctx = new Ctx(node, conductor, driver);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field field : FIELDS) {
      if (version.atLeast(field.since) && (only == null || only.contains(field.name))) {
        out.put(field.name, field.value.apply(ctx));
      }
    }
    out.put("links", Links.of(baseUrl, "nodes/" + node.uuid()));
    if (only == null) {
      out.put("ports", Links.of(baseUrl, "nodes/" + node.uuid() + "/ports"));
      if (version.atLeast(24)) {
        out.put("portgroups", Links.of(baseUrl, "nodes/" + node.uuid() + "/portgroups"));
      }
      out.put("states", Links.of(baseUrl, "nodes/" + node.uuid() + "/states"));
    }
    return out;
  }

  /** The implementation the node chose for interface {@code kind}, else its driver's default. */
  private static String iface(Ctx ctx, String kind) {
    String chosen = ctx.node.attributes().iface(kind);
    if (chosen != null || ctx.driver == null) {
      return chosen;
    }
    return ctx.driver.defaultInterface(kind);
  }
}
