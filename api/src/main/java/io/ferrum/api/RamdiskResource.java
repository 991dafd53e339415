package io.ferrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.AgentLookup;
import io.ferrum.conductor.Conductor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deploy ramdisk's endpoints (API 1.22 and later, as in Ironic; a 404 before): {@code GET
 * /v1/lookup?addresses=...&node_uuid=...}, by which the agent finds its node and receives its
 * token, and {@code POST /v1/heartbeat/{node}}, by which it proves the token, says where it listens
 * and continues a node waiting for it. Both answer without API credentials ({@link ApiServer}): the
 * agent has none, and the token is what it proves itself with. Thread-safe.
 */
final class RamdiskResource {

  /** The fields a heartbeat may carry: those the agent sends, newest agents included. */
  private static final Set<String> HEARTBEAT_FIELDS =
      Set.of(
          "callback_url",
          "agent_token",
          "agent_version",
          "agent_verify_ca",
          "agent_status",
          "agent_status_message");

  private static final Set<String> AGENT_STATUSES = Set.of("start", "end", "error");
  private static final int MAX_STATUS_MESSAGE = 1024;
  private static final int MAX_TOKEN = 1024;

  private final Conductor conductor;

  RamdiskResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/lookup", this::lookup)
        .add("POST", "/v1/heartbeat/{node}", this::heartbeat);
  }

  /** Whether {@code path} is one of these endpoints, which need no API credentials. */
  static boolean isPublic(String method, List<String> path) {
    return (method.equals("GET") && path.equals(List.of("v1", "lookup")))
        || (method.equals("POST")
            && path.size() == 3
            && path.get(0).equals("v1")
            && path.get(1).equals("heartbeat"));
  }

  private Response lookup(Request r) {
    r.requireEndpointVersion(22, "Lookup");
    r.onlyQuery(Set.of("addresses", "node_uuid"));
    List<String> addresses = new ArrayList<>();
    String list = r.query().get("addresses");
    if (list != null) {
      for (String item : list.split(",", -1)) {
        if (!item.isBlank()) {
          addresses.add(item.trim());
        }
      }
    }
    AgentLookup found = conductor.lookup(addresses, r.query().get("node_uuid"));
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("uuid", found.uuid());
    node.put("properties", found.properties());
    node.put("instance_info", found.instanceInfo());
    node.put("driver_internal_info", found.driverInternalInfo());
    node.put("links", Links.of(r.baseUrl(), "nodes/" + found.uuid()));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("heartbeat_timeout", found.heartbeatTimeoutSeconds());
    config.put("agent_token", found.agentToken());
    config.put("agent_token_required", true);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", node);
    out.put("config", config);
    return Response.ok(out);
  }

  private Response heartbeat(Request r) {
    r.requireEndpointVersion(22, "Heartbeat");
    r.onlyQuery(Set.of());
    ObjectNode body = r.object();
    JsonFields.only(body, HEARTBEAT_FIELDS, "heartbeat");
    String callbackUrl = JsonFields.requiredText(body, "callback_url");
    String token = JsonFields.optionalText(body, "agent_token");
    String version = JsonFields.optionalText(body, "agent_version");
    String verifyCa = JsonFields.optionalText(body, "agent_verify_ca");
    String status = JsonFields.optionalText(body, "agent_status");
    String message = JsonFields.optionalText(body, "agent_status_message");
    if (version != null && !r.atLeast(36)) {
      throw new ApiException(400, "Field \"agent_version\" not recognised");
    }
    if (verifyCa != null && !r.atLeast(68)) {
      throw new ApiException(400, "Field \"agent_verify_ca\" not recognised in this version");
    }
    if ((status != null || message != null) && !r.atLeast(72)) {
      throw new ApiException(
          400, "Fields \"agent_status\" and \"agent_status_message\" not recognised.");
    }
    if (status != null && !AGENT_STATUSES.contains(status)) {
      throw new ApiException(400, "Agent status is invalid. Valid states are end,error,start.");
    }
    if (message != null
        && (message.length() > MAX_STATUS_MESSAGE
            || message.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
      throw new ApiException(
          400,
          "agent_status_message must be at most "
              + MAX_STATUS_MESSAGE
              + " characters without control characters");
    }
    if (token != null && token.length() > MAX_TOKEN) {
      token = token.substring(0, MAX_TOKEN); // never equal to a stored token: refused as wrong
    }
    conductor.agentHeartbeat(r.param("node"), callbackUrl, token, version, verifyCa);
    return Response.empty(202, Map.of());
  }
}
