package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.Secrets;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.ProvisionMachine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/nodes/{node}/states}: the state fields, and the provision and power requests. Both
 * requests answer 202 with a {@code Location} once the conductor's worker has committed the event.
 * Thread-safe.
 */
final class NodeStatesResource {

  private static final Map<String, Integer> VERB_SINCE =
      Map.ofEntries(
          Map.entry("active", 1),
          Map.entry("deleted", 1),
          Map.entry("rebuild", 1),
          Map.entry("manage", 4),
          Map.entry("provide", 4),
          Map.entry("inspect", 6),
          Map.entry("abort", 13),
          Map.entry("clean", 15),
          Map.entry("adopt", 17),
          Map.entry("rescue", 38),
          Map.entry("unrescue", 38),
          Map.entry("deploy", 73),
          Map.entry("undeploy", 73),
          Map.entry("unhold", 85),
          Map.entry("service", 87));
  private static final Set<String> PROVISION_FIELDS =
      Set.of(
          "target",
          "configdrive",
          "clean_steps",
          "deploy_steps",
          "rescue_password",
          "disable_ramdisk",
          "service_steps");

  private final Conductor conductor;

  NodeStatesResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/nodes/{node}/states", this::states)
        .add("PUT", "/v1/nodes/{node}/states/provision", this::provision)
        .add("PUT", "/v1/nodes/{node}/states/power", this::power)
        .add("PUT", "/v1/nodes/{node}/states/raid", this::raid);
  }

  private Response states(Request r) {
    Node node = conductor.getNode(NodeViews.ident(r));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("console_enabled", false);
    out.put("last_error", Secrets.maskText(node.lastError()));
    out.put("power_state", node.powerState());
    out.put("provision_state", node.provisionState());
    out.put("target_power_state", node.targetPowerState());
    out.put("target_provision_state", node.targetProvisionState());
    out.put("provision_updated_at", Links.time(node.provisionUpdatedAt()));
    if (r.atLeast(12)) {
      out.put("raid_config", Map.of());
      out.put("target_raid_config", Map.of());
    }
    if (r.atLeast(75)) {
      out.put("boot_mode", null);
      out.put("secure_boot", null);
    }
    return Response.ok(out);
  }

  private Response provision(Request r) {
    String ident = NodeViews.ident(r);
    ObjectNode body = r.object();
    String target = JsonFields.requiredText(body, "target");
    Integer since = VERB_SINCE.get(target);
    if (since == null) {
      throw new ApiException(
          400,
          "\""
              + target
              + "\" is not a valid provision state target; valid targets: "
              + String.join(", ", ProvisionMachine.VERBS.keySet()));
    }
    if (!r.atLeast(since)) {
      throw new ApiException(
          406, "The \"" + target + "\" target needs API version 1." + since + " or later");
    }
    for (String name : JsonFields.iterable(body.fieldNames())) {
      if (!PROVISION_FIELDS.contains(name)) {
        throw new ApiException(400, "Unknown attribute for provision request: \"" + name + "\"");
      }
    }
    conductor.provision(
        ident,
        new ProvisionRequest(
            target,
            JsonFields.steps(body, "clean_steps"),
            JsonFields.steps(body, "service_steps"),
            JsonFields.optionalText(body, "rescue_password")));
    return accepted(r, ident);
  }

  private Response power(Request r) {
    String ident = NodeViews.ident(r);
    ObjectNode body = r.object();
    String target = JsonFields.requiredText(body, "target");
    PowerRequest request =
        PowerRequest.fromApiTarget(target)
            .orElseThrow(
                () ->
                    new ApiException(
                        400,
                        "\""
                            + target
                            + "\" is not a valid power target; valid targets: power on,"
                            + " power off, rebooting, soft rebooting, soft power off"));
    Duration timeout = null;
    if (body.has("timeout") && !body.get("timeout").isNull()) {
      r.requireVersion(27, "A power timeout");
      JsonNode value = body.get("timeout");
      if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
        throw new ApiException(400, "timeout must be a positive whole number of seconds");
      }
      timeout = Duration.ofSeconds(value.asInt());
    }
    if (request.isSoft()) {
      r.requireVersion(27, "\"" + target + "\"");
    }
    for (String name : JsonFields.iterable(body.fieldNames())) {
      if (!name.equals("target") && !name.equals("timeout")) {
        throw new ApiException(400, "Unknown attribute for power request: \"" + name + "\"");
      }
    }
    conductor.power(ident, target, timeout);
    return accepted(r, ident);
  }

  /**
   * The target RAID configuration (1.12): checked as Ironic checks it, then refused unless the
   * node's RAID interface does something; no hardware type Ferrum ships has one.
   */
  private Response raid(Request r) {
    r.requireEndpointVersion(12, "The target RAID configuration");
    String ident = NodeViews.ident(r);
    ObjectNode body = r.object();
    JsonNode disks = body.get("logical_disks");
    if (disks == null || !disks.isArray()) {
      throw new ApiException(400, "The target RAID configuration needs a \"logical_disks\" array");
    }
    Node node = conductor.getNode(ident);
    String raid =
        node.attributes().iface("raid") != null
            ? node.attributes().iface("raid")
            : conductor
                .describeDriver(node.driver())
                .map(d -> d.defaultInterface("raid"))
                .orElse(null);
    if (raid == null || HardwareInterfaces.unsupported(raid)) {
      throw new ApiException(
          400, "Driver " + node.driver() + " does not support raid (disabled or not implemented).");
    }
    throw new ApiException(
        400, "RAID interface " + raid + " of node " + node.label() + " can not be configured");
  }

  /** Ironic's answer to an accepted state change: 202, no body, Location of the states. */
  private static Response accepted(Request r, String ident) {
    return Response.empty(202, Map.of("Location", r.baseUrl() + "/v1/nodes/" + ident + "/states"));
  }
}
