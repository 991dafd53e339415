package io.ferrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodePage;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
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

  private static final Set<String> CREATE_FIELDS =
      Set.of("driver", "name", "uuid", "driver_info", "instance_info", "properties", "extra");
  private static final Set<String> FILTERS =
      Set.of("provision_state", "driver", "maintenance", "associated");

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
        .add("PATCH", "/v1/nodes/{node}", this::patch)
        .add("DELETE", "/v1/nodes/{node}", this::delete);
  }

  private Response show(Request r) {
    String ident = NodeViews.ident(r);
    return Response.ok(
        views.render(r, conductor.getNode(ident), Listing.fields(r, views.fieldNames(r))));
  }

  private Response patch(Request r) {
    String ident = NodeViews.ident(r);
    return Response.ok(views.render(r, conductor.updateNode(ident, r.patch()), null));
  }

  private Response delete(Request r) {
    conductor.deleteNode(NodeViews.ident(r));
    return Response.noContent();
  }

  private Response create(Request r) {
    ObjectNode body = r.object();
    JsonFields.only(body, CREATE_FIELDS, "node");
    if (body.has("name") && !r.atLeast(5)) {
      throw new ApiException(406, "The \"name\" field needs API version 1.5 or later");
    }
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
                initial));
    return new Response(
        201,
        views.render(r, node, null),
        Map.of("Location", r.baseUrl() + "/v1/nodes/" + node.uuid()));
  }

  private Response list(Request r, boolean detailPath) {
    Set<String> known = new LinkedHashSet<>(Listing.PARAMETERS);
    known.addAll(FILTERS);
    r.onlyQuery(known);
    Map<String, String> q = r.query();
    if (q.containsKey("provision_state") && !r.atLeast(9)) {
      throw new ApiException(406, "Filtering by provision_state needs API version 1.9 or later");
    }
    if (q.containsKey("driver") && !r.atLeast(16)) {
      throw new ApiException(406, "Filtering by driver needs API version 1.16 or later");
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
                listing.descending()));
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
