package io.ferrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeAttributes;
import io.ferrum.conductor.NodePage;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.fsm.ProvisionState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/nodes}: create, list (short, {@code /detail}, {@code ?detail=true}), show, patch and
 * delete nodes. Thread-safe.
 */
final class NodesResource {

  /** Fields a create may give, each with the version that introduced it. */
  private static final Map<String, Integer> CREATE_FIELDS = createFields();

  /** List filters Ferrum answers, each with the version that introduced it. */
  private static final Map<String, Integer> FILTERS =
      Map.of(
          "provision_state", 9,
          "driver", 16,
          "maintenance", 1,
          "resource_class", 21,
          "owner", 50,
          "lessee", 65,
          "conductor_group", 46);

  /**
   * Ironic's list filters that Ferrum does not answer. Ignoring one would list nodes it excludes,
   * so each is a 400 that says so rather than an unknown parameter.
   */
  private static final Set<String> UNANSWERED =
      Set.of(
          "associated",
          "instance_uuid",
          "chassis_uuid",
          "fault",
          "retired",
          "conductor",
          "description_contains",
          "project");

  /** Ironic's list filters from versions above {@link ApiVersion#MAX}: always a 406 here. */
  private static final Map<String, Integer> NEWER_FILTERS =
      Map.of("shard", 82, "sharded", 82, "parent_node", 83, "include_children", 83);

  private static Map<String, Integer> createFields() {
    Map<String, Integer> fields = new LinkedHashMap<>();
    for (String name :
        List.of("driver", "uuid", "driver_info", "instance_info", "properties", "extra")) {
      fields.put(name, 1);
    }
    fields.put("name", 5);
    fields.put("resource_class", 21);
    fields.put("owner", 50);
    fields.put("description", 51);
    fields.put("lessee", 65);
    fields.put("conductor_group", 46);
    fields.put("network_interface", 20);
    for (String name : HardwareInterfaces.NAMES) {
      fields.putIfAbsent(
          name + "_interface",
          switch (name) {
            case "storage" -> 33;
            case "rescue" -> 38;
            case "bios" -> 40;
            default -> 31;
          });
    }
    return Map.copyOf(fields);
  }

  private final Conductor conductor;
  private final NodeViews views;

  NodesResource(Conductor conductor, NodeViews views) {
    this.conductor = conductor;
    this.views = views;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/nodes", r -> list(r, false))
        .add("POST", "/v1/nodes", this::create)
        .add("GET", "/v1/nodes/detail", r -> list(r, true))
        .add("GET", "/v1/nodes/{node}", this::show)
        .add("PATCH", "/v1/nodes/{node}", Set.of("reset_interfaces"), this::patch)
        .add("DELETE", "/v1/nodes/{node}", this::delete);
  }

  private Response show(Request r) {
    r.onlyQuery(Set.of("fields"));
    String ident = NodeViews.ident(r);
    return Response.ok(
        views.render(r, conductor.getNode(ident), Listing.fields(r, views.fieldNames(r))));
  }

  /**
   * Applies a JSON patch. As in Ironic, a patch that touches a field newer than the requested
   * version is a 406, whatever the operation.
   */
  private Response patch(Request r) {
    String ident = NodeViews.ident(r);
    List<PatchOperation> ops = r.patch();
    Boolean reset = r.queryBoolean("reset_interfaces");
    if (reset != null) {
      // Ferrum always resets, on a new driver, the interfaces the patch does not set: Ironic's
      // reset_interfaces=true. Ironic takes the parameter only with a new driver.
      r.requireVersion(45, "The \"reset_interfaces\" parameter");
      if (!reset) {
        throw new ApiException(
            400,
            "reset_interfaces=false is not supported: on a driver change Ferrum resets every"
                + " interface the patch does not set");
      }
      boolean newDriver =
          ops.stream().anyMatch(op -> op.path().equals("/driver") && !"remove".equals(op.op()));
      if (!newDriver) {
        throw new ApiException(
            400, "The reset_interfaces parameter can be provided only when changing the driver");
      }
    }
    for (PatchOperation op : ops) {
      String path = op.path().startsWith("/") ? op.path().substring(1) : op.path();
      int slash = path.indexOf('/');
      String field = slash < 0 ? path : path.substring(0, slash);
      Integer since = NodeView.since(field);
      if (since != null && !r.atLeast(since)) {
        throw new ApiException(
            406, "The \"" + field + "\" field needs API version 1." + since + " or later");
      }
    }
    return Response.ok(views.render(r, conductor.updateNode(ident, ops), null));
  }

  private Response delete(Request r) {
    conductor.deleteNode(NodeViews.ident(r));
    return Response.noContent();
  }

  private Response create(Request r) {
    ObjectNode body = r.object();
    JsonFields.only(body, CREATE_FIELDS.keySet(), "node");
    for (String name : JsonFields.iterable(body.fieldNames())) {
      r.requireVersion(CREATE_FIELDS.get(name), "The \"" + name + "\" field");
    }
    Map<String, String> interfaces = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      String chosen = JsonFields.optionalText(body, name + "_interface");
      if (chosen != null) {
        interfaces.put(name, chosen);
      }
    }
    NodeAttributes attributes =
        NodeAttributes.of(
                JsonFields.optionalText(body, "resource_class"),
                JsonFields.optionalText(body, "owner"),
                JsonFields.optionalText(body, "lessee"),
                JsonFields.optionalText(body, "description"))
            .withInterfaces(interfaces);
    String initial = r.atLeast(11) ? "enroll" : "available";
    Node node =
        conductor.createNode(
            new NodeSpec(
                JsonFields.optionalText(body, "uuid"),
                JsonFields.optionalText(body, "name"),
                JsonFields.requiredText(body, "driver"),
                JsonFields.document(body, "driver_info"),
                JsonFields.document(body, "instance_info"),
                JsonFields.document(body, "properties"),
                JsonFields.document(body, "extra"),
                initial,
                attributes,
                JsonFields.optionalText(body, "conductor_group")));
    return new Response(
        201,
        views.render(r, node, null),
        Map.of("Location", r.baseUrl() + "/v1/nodes/" + node.uuid()));
  }

  private Response list(Request r, boolean detailPath) {
    Set<String> known = new LinkedHashSet<>(Listing.PARAMETERS);
    known.addAll(FILTERS.keySet());
    known.addAll(UNANSWERED);
    known.addAll(NEWER_FILTERS.keySet());
    r.onlyQuery(known);
    Map<String, String> q = r.query();
    for (String name : q.keySet()) {
      if (FILTERS.containsKey(name)) {
        r.requireVersion(FILTERS.get(name), "Filtering by " + name);
      } else if (NEWER_FILTERS.containsKey(name)) {
        r.requireVersion(NEWER_FILTERS.get(name), "Filtering by " + name);
      } else if (UNANSWERED.contains(name)) {
        throw new ApiException(
            400,
            "Ferrum does not filter nodes by \""
                + name
                + "\"; docs/api.md lists the filters it supports: "
                + new java.util.TreeSet<>(FILTERS.keySet()));
      }
    }
    String state = q.get("provision_state");
    if (state != null && ProvisionState.fromValue(state).isEmpty()) {
      List<String> states = new ArrayList<>();
      for (ProvisionState each : ProvisionState.values()) {
        states.add(each.value());
      }
      throw new ApiException(
          400,
          "provision_state \""
              + StrictJson.printable(state)
              + "\" is not a provision state; the states are "
              + states);
    }
    Listing listing = Listing.of(r, detailPath, views.fieldNames(r), NodeQuery.MAX_LIMIT);
    NodePage page =
        conductor.listNodes(
            new NodeQuery(
                    q.get("provision_state"),
                    q.get("driver"),
                    r.queryBoolean("maintenance"),
                    listing.limit(),
                    listing.marker(),
                    listing.sortKey(),
                    listing.descending())
                .ownedBy(q.get("resource_class"), q.get("owner"), q.get("lessee"))
                .inConductorGroup(q.get("conductor_group")));
    Set<String> shown =
        listing.detail()
            ? null
            : listing.fields() != null ? listing.fields() : NodeViews.shortFields(r);
    List<Object> nodes = new ArrayList<>();
    for (Node node : page.nodes()) {
      nodes.add(views.render(r, node, shown));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", nodes);
    if (page.nextMarker() != null) {
      out.put("next", Listing.next(r, detailPath ? "nodes/detail" : "nodes", page.nextMarker()));
    }
    return Response.ok(out);
  }
}
