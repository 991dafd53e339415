package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.BulkAction;
import io.ferrum.conductor.BulkNodeResult;
import io.ferrum.conductor.BulkRequest;
import io.ferrum.conductor.BulkRequests;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.Secrets;
import io.ferrum.fsm.PowerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/ferrum/bulk}: Ferrum's own extension, not part of Ironic's API (Ironic has no {@code
 * ferrum} resource, so the path cannot clash with one). {@code POST} takes one verb for many nodes
 * and answers 202 with the request's id once it is stored; {@code GET /v1/ferrum/bulk/{id}} shows
 * where each node stands. Thread-safe.
 */
final class BulkResource {

  private static final Set<String> FIELDS = Set.of("verb", "nodes", "args");

  /** The arguments each kind of verb takes. */
  private static final Map<String, Set<String>> ARGS =
      Map.of(
          "active", Set.of("configdrive"),
          "deploy", Set.of("configdrive"),
          "rebuild", Set.of("configdrive"),
          "clean", Set.of("clean_steps"),
          "rescue", Set.of("rescue_password"),
          "service", Set.of("service_steps"));

  private static final Set<String> POWER_ARGS = Set.of("timeout");

  private final Conductor conductor;

  BulkResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("POST", "/v1/ferrum/bulk", this::submit)
        .add("GET", "/v1/ferrum/bulk/{id}", this::show);
  }

  private Response submit(Request r) {
    ObjectNode body = r.object();
    JsonFields.only(body, FIELDS, "bulk request");
    String verb = JsonFields.requiredText(body, "verb");
    List<String> nodes = nodes(body);
    ObjectNode args = args(body);
    BulkAction action =
        PowerRequest.fromApiTarget(verb).isPresent()
            ? power(r, verb, args)
            : provision(r, verb, args);
    BulkRequest taken = conductor.bulk().submit(action, nodes);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", taken.id());
    out.put("links", Links.of(r.baseUrl(), "ferrum/bulk/" + taken.id()));
    return new Response(
        202, out, Map.of("Location", r.baseUrl() + "/v1/ferrum/bulk/" + taken.id()));
  }

  private Response show(Request r) {
    r.onlyQuery(Set.of());
    BulkRequest request = conductor.bulk().get(r.param("id"));
    List<Object> nodes = new ArrayList<>();
    for (BulkNodeResult node : request.nodes()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("node", node.node());
      item.put("uuid", node.uuid());
      item.put("state", node.state());
      item.put("result", node.result().value());
      item.put("error", Secrets.maskText(node.error()));
      nodes.add(item);
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("total", request.nodes().size());
    for (BulkNodeResult.Outcome outcome : BulkNodeResult.Outcome.values()) {
      counts.put(outcome.value(), request.count(outcome));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", request.id());
    out.put("verb", request.verb());
    out.put("state", request.finished() ? "finished" : "running");
    out.put("conductor", request.conductor());
    out.put("created_at", Links.time(request.createdAt()));
    out.put("counts", counts);
    out.put("nodes", nodes);
    out.put("links", Links.of(r.baseUrl(), "ferrum/bulk/" + request.id()));
    return Response.ok(out);
  }

  /** The {@code nodes} array: strings only; its length and entries are checked by the conductor. */
  private static List<String> nodes(ObjectNode body) {
    JsonNode value = body.get("nodes");
    if (value == null || value.isNull()) {
      throw new ApiException(400, "Missing mandatory field \"nodes\"");
    }
    if (!value.isArray()) {
      throw new ApiException(400, "\"nodes\" must be a JSON array of node names or UUIDs");
    }
    if (value.size() > BulkRequests.MAX_NODES) {
      throw new ApiException(
          400,
          "nodes: a bulk request takes at most "
              + BulkRequests.MAX_NODES
              + " nodes, not "
              + value.size());
    }
    List<String> out = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        throw new ApiException(400, "nodes[" + i + "] must be a string: a node name or UUID");
      }
      out.add(value.get(i).asText());
    }
    return out;
  }

  private static ObjectNode args(ObjectNode body) {
    JsonNode value = body.get("args");
    if (value == null || value.isNull()) {
      return JsonFields.JSON.createObjectNode();
    }
    if (!value.isObject()) {
      throw new ApiException(400, "\"args\" must be a JSON object");
    }
    return (ObjectNode) value;
  }

  /** A provision verb, allowed from the microversion that allows it for a single node. */
  private static BulkAction provision(Request r, String verb, ObjectNode args) {
    Integer since = NodeStatesResource.VERB_SINCE.get(verb);
    if (since == null) {
      throw new ApiException(
          400,
          "\""
              + StrictJson.printable(verb)
              + "\" is not a valid verb; valid verbs: the provision targets "
              + String.join(", ", new java.util.TreeSet<>(NodeStatesResource.VERB_SINCE.keySet()))
              + ", and the power targets power on, power off, rebooting, soft rebooting, soft"
              + " power off");
    }
    if (!r.atLeast(since)) {
      throw new ApiException(
          406, "The \"" + verb + "\" verb needs API version 1." + since + " or later");
    }
    onlyArgs(args, ARGS.getOrDefault(verb, Set.of()), verb);
    ProvisionRequest request =
        new ProvisionRequest(
            verb,
            JsonFields.steps(args, "clean_steps", "args."),
            JsonFields.steps(args, "service_steps", "args."),
            JsonFields.optionalText(args, "rescue_password"),
            NodeStatesResource.configDrive(r, args, verb),
            null);
    // What a verb needs, named as the bulk request names it (the conductor says the same
    // without the "args." every node's action would repeat).
    if (verb.equals("clean") && request.cleanSteps().isEmpty()) {
      throw new ApiException(400, "Manual cleaning needs args.clean_steps");
    }
    if (verb.equals("service") && request.serviceSteps().isEmpty()) {
      throw new ApiException(400, "Servicing needs args.service_steps");
    }
    if (verb.equals("rescue")
        && (request.rescuePassword() == null || request.rescuePassword().isBlank())) {
      throw new ApiException(400, "Rescue needs args.rescue_password");
    }
    return BulkAction.provision(request);
  }

  private static BulkAction power(Request r, String verb, ObjectNode args) {
    onlyArgs(args, POWER_ARGS, verb);
    Duration timeout = JsonFields.timeoutSeconds(args.get("timeout"), "args.timeout");
    if (PowerRequest.fromApiTarget(verb).orElseThrow().isSoft()) {
      r.requireVersion(27, "\"" + verb + "\"");
    }
    return BulkAction.power(verb, timeout);
  }

  private static void onlyArgs(ObjectNode args, Set<String> allowed, String verb) {
    for (String name : JsonFields.iterable(args.fieldNames())) {
      if (!allowed.contains(name)) {
        throw new ApiException(
            400,
            "Unknown argument for \""
                + verb
                + "\": args."
                + StrictJson.printable(name)
                + (allowed.isEmpty() ? "; this verb takes none" : "; it takes " + allowed));
      }
    }
  }
}
