package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.Secrets;
import io.ferrum.conductor.UnsupportedInterfaceException;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.ProvisionMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/nodes/{node}/states}: the state fields, the provision and power requests, and the
 * target RAID configuration. Both requests answer 202 with a {@code Location} once the conductor's
 * worker has committed the event; the RAID configuration answers 204 once it is committed.
 * Thread-safe.
 */
final class NodeStatesResource {

  static final Map<String, Integer> VERB_SINCE =
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

  /** The fields of a deploy step, all required. */
  private static final Set<String> DEPLOY_STEP_FIELDS =
      new java.util.TreeSet<>(Set.of("interface", "step", "args", "priority"));

  /** The interfaces a deploy step may name, as in Ironic. */
  static final Set<String> DEPLOY_STEP_INTERFACES = ProvisionRequest.STEP_INTERFACES;

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
      out.put("raid_config", node.raidConfig());
      out.put("target_raid_config", node.targetRaidConfig());
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
    Object configDrive = configDrive(r, body, target);
    List<Map<String, Object>> deploySteps = deploySteps(r, body, target);
    conductor.provision(
        ident,
        new ProvisionRequest(
            target,
            JsonFields.steps(body, "clean_steps"),
            JsonFields.steps(body, "service_steps"),
            JsonFields.optionalText(body, "rescue_password"),
            configDrive,
            deploySteps));
    return accepted(r, ident);
  }

  /**
   * The {@code configdrive} of a deploy or rebuild, checked as Ironic checks it: a string (an
   * encoded ISO image or a URL), or from 1.56 an object of {@code meta_data}, {@code network_data}
   * (objects), {@code user_data} (object, array or string) and from 1.59 {@code vendor_data}
   * (object). {@code null} when absent or empty.
   */
  static Object configDrive(Request r, ObjectNode body, String target) {
    JsonNode value = body.get("configdrive");
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
      return null;
    }
    List<String> allowed = new ArrayList<>(List.of("active"));
    if (r.atLeast(73)) {
      allowed.add("deploy");
    }
    if (r.atLeast(35)) {
      allowed.add("rebuild");
    }
    if (!allowed.contains(target)) {
      throw new ApiException(
          400,
          "Adding a config drive is only supported when setting provision state to "
              + String.join(", ", allowed));
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (!value.isObject()) {
      throw new ApiException(400, "Invalid configdrive format: a string or a JSON object");
    }
    if (!r.atLeast(56)) {
      throw new ApiException(
          400, "Providing a JSON object for configdrive is only supported from API version 1.56");
    }
    for (String key : JsonFields.iterable(value.fieldNames())) {
      JsonNode part = value.get(key);
      switch (key) {
        case "meta_data", "network_data" -> {
          if (!part.isObject()) {
            throw new ApiException(
                400, "Invalid configdrive format: " + key + " must be an object");
          }
        }
        case "user_data" -> {
          if (!part.isObject() && !part.isArray() && !part.isTextual()) {
            throw new ApiException(
                400, "Invalid configdrive format: user_data must be an object, array or string");
          }
        }
        case "vendor_data" -> {
          if (!r.atLeast(59)) {
            throw new ApiException(
                400, "configdrive.vendor_data is only supported from API version 1.59");
          }
          if (!part.isObject()) {
            throw new ApiException(
                400, "Invalid configdrive format: vendor_data must be an object");
          }
        }
        default ->
            throw new ApiException(
                400,
                "Invalid configdrive format: unknown key \""
                    + StrictJson.printable(key)
                    + "\"; allowed: meta_data, network_data, user_data, vendor_data");
      }
    }
    return JsonFields.value(value);
  }

  /**
   * The {@code deploy_steps} of a deploy or rebuild (1.69), checked as Ironic checks them: each
   * exactly {@code interface} (one of {@link #DEPLOY_STEP_INTERFACES}), {@code step} (a non-empty
   * string), {@code args} (an object) and {@code priority} (a whole number of at least 0, or its
   * digits as a string, stored as the number). Empty when absent.
   */
  private static List<Map<String, Object>> deploySteps(Request r, ObjectNode body, String target) {
    JsonNode value = body.get("deploy_steps");
    if (value == null || value.isNull()) {
      return List.of();
    }
    r.requireVersion(69, "\"deploy_steps\"");
    if (!target.equals("active") && !target.equals("deploy") && !target.equals("rebuild")) {
      throw new ApiException(
          400,
          "\"deploy_steps\" is only valid when setting target provision state to active or rebuild");
    }
    if (!value.isArray()) {
      throw new ApiException(400, "\"deploy_steps\" must be a JSON array of steps");
    }
    List<Map<String, Object>> steps = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode step = value.get(i);
      String at = "deploy_steps[" + i + "]";
      if (!step.isObject()) {
        throw new ApiException(400, "\"" + at + "\" must be a JSON object");
      }
      for (String name : JsonFields.iterable(step.fieldNames())) {
        if (!DEPLOY_STEP_FIELDS.contains(name)) {
          throw new ApiException(
              400,
              "\""
                  + at
                  + "\" has an unknown field \""
                  + StrictJson.printable(name)
                  + "\"; a deploy step has exactly "
                  + DEPLOY_STEP_FIELDS);
        }
      }
      for (String name : DEPLOY_STEP_FIELDS) {
        if (!step.has(name)) {
          throw new ApiException(400, "\"" + at + "\" needs \"" + name + "\"");
        }
      }
      JsonNode iface = step.get("interface");
      if (!iface.isTextual() || !DEPLOY_STEP_INTERFACES.contains(iface.asText())) {
        throw new ApiException(
            400, "\"" + at + ".interface\" must be one of " + DEPLOY_STEP_INTERFACES);
      }
      JsonNode name = step.get("step");
      if (!name.isTextual() || name.asText().isEmpty()) {
        throw new ApiException(400, "\"" + at + ".step\" must be a non-empty string");
      }
      if (!step.get("args").isObject()) {
        throw new ApiException(400, "\"" + at + ".args\" must be a JSON object");
      }
      JsonNode priority = step.get("priority");
      long number;
      if (priority.isIntegralNumber() && priority.canConvertToInt()) {
        number = priority.asInt();
      } else if (priority.isTextual() && priority.asText().matches("[0-9]{1,9}")) {
        number = Integer.parseInt(priority.asText());
      } else {
        number = -1;
      }
      if (number < 0) {
        throw new ApiException(400, "\"" + at + ".priority\" must be a whole number of at least 0");
      }
      Map<String, Object> parsed = new LinkedHashMap<>();
      parsed.put("interface", iface.asText());
      parsed.put("step", name.asText());
      parsed.put("args", JsonFields.value(step.get("args")));
      parsed.put("priority", (int) number);
      steps.add(parsed);
    }
    return steps;
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
      timeout = JsonFields.timeoutSeconds(body.get("timeout"), "timeout");
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
   * Sets the node's target RAID configuration (1.12; 406 below, once the node is found, as in
   * Ironic): the body is the configuration, {@code {}} clears it. The conductor checks it under the
   * node's lock and commits it before the 204. A node whose RAID interface is {@code no-raid} is
   * refused with Ironic's 404.
   */
  @SuppressWarnings("unchecked")
  private Response raid(Request r) {
    Node node = conductor.getNode(NodeViews.ident(r));
    r.requireVersion(12, "Setting the target RAID configuration");
    ObjectNode body = r.object();
    try {
      conductor.raid().setTargetConfig(node.uuid(), (Map<String, Object>) JsonFields.value(body));
    } catch (UnsupportedInterfaceException e) {
      // Ironic answers 404: RAID is a standard interface, and this node's does not exist.
      throw new ApiException(404, e.getMessage());
    }
    return Response.noContent();
  }

  /** Ironic's answer to an accepted state change: 202, no body, Location of the states. */
  private static Response accepted(Request r, String ident) {
    return Response.empty(202, Map.of("Location", r.baseUrl() + "/v1/nodes/" + ident + "/states"));
  }
}
