package io.ferrum.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Page;
import io.ferrum.conductor.PortQuery;
import io.ferrum.conductor.Portgroup;
import io.ferrum.conductor.PortgroupSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/portgroups} (1.23), and the port groups of a node ({@code
 * /v1/nodes/{node}/portgroups}, 1.24): create, list, show, patch, delete. Thread-safe.
 */
final class PortgroupsResource {

  private static final Map<String, Integer> CREATE_FIELDS =
      Map.of(
          "uuid", 23,
          "name", 23,
          "address", 23,
          "node_uuid", 23,
          "standalone_ports_supported", 23,
          "extra", 23,
          "mode", 26,
          "properties", 26);

  private final Conductor conductor;

  PortgroupsResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/portgroups", r -> list(r, "portgroups", false, null))
        .add("POST", "/v1/portgroups", this::create)
        .add("GET", "/v1/portgroups/detail", r -> list(r, "portgroups/detail", true, null))
        .add("GET", "/v1/portgroups/{portgroup}", this::show)
        .add("PATCH", "/v1/portgroups/{portgroup}", this::patch)
        .add("DELETE", "/v1/portgroups/{portgroup}", this::delete)
        .add("GET", "/v1/nodes/{node}/portgroups", r -> ofNode(r, false))
        .add("GET", "/v1/nodes/{node}/portgroups/detail", r -> ofNode(r, true));
  }

  private static void requireVersion(Request r) {
    r.requireEndpointVersion(23, "Port groups");
  }

  private Response show(Request r) {
    r.onlyQuery(Set.of("fields"));
    requireVersion(r);
    Portgroup group = conductor.portgroups().get(r.param("portgroup"));
    return Response.ok(
        PortView.portgroup(
            group,
            r.version(),
            Listing.fields(r, PortView.portgroupFields(r.version())),
            r.baseUrl()));
  }

  private Response patch(Request r) {
    requireVersion(r);
    Portgroup group = conductor.portgroups().update(r.param("portgroup"), r.patch());
    return Response.ok(PortView.portgroup(group, r.version(), null, r.baseUrl()));
  }

  private Response delete(Request r) {
    requireVersion(r);
    conductor.portgroups().delete(r.param("portgroup"));
    return Response.noContent();
  }

  private Response create(Request r) {
    requireVersion(r);
    ObjectNode body = r.object();
    JsonFields.only(body, CREATE_FIELDS.keySet(), "port group");
    for (String name : JsonFields.iterable(body.fieldNames())) {
      r.requireVersion(CREATE_FIELDS.get(name), "The \"" + name + "\" field");
    }
    Portgroup group =
        conductor
            .portgroups()
            .create(
                new PortgroupSpec(
                    JsonFields.optionalText(body, "uuid"),
                    JsonFields.optionalText(body, "name"),
                    JsonFields.optionalText(body, "address"),
                    JsonFields.requiredText(body, "node_uuid"),
                    JsonFields.optionalText(body, "mode"),
                    JsonFields.document(body, "properties"),
                    PortsResource.flag(body, "standalone_ports_supported"),
                    JsonFields.document(body, "extra")));
    return new Response(
        201,
        PortView.portgroup(group, r.version(), null, r.baseUrl()),
        Map.of("Location", r.baseUrl() + "/v1/portgroups/" + group.uuid()));
  }

  private Response ofNode(Request r, boolean detail) {
    r.requireEndpointVersion(24, "The port groups of a node");
    String node = NodeViews.ident(r);
    conductor.getNode(node); // 404 for a node that does not exist
    return list(
        r, "nodes/" + r.param("node") + "/portgroups" + (detail ? "/detail" : ""), detail, node);
  }

  private Response list(Request r, String path, boolean detailPath, String ofNode) {
    requireVersion(r);
    Set<String> known = new LinkedHashSet<>(Listing.PARAMETERS);
    known.addAll(List.of("node", "node_uuid", "address"));
    r.onlyQuery(known);
    Map<String, String> q = r.query();
    Listing listing =
        Listing.of(r, detailPath, PortView.portgroupFields(r.version()), PortQuery.MAX_LIMIT);
    String node = ofNode != null ? ofNode : q.getOrDefault("node", q.get("node_uuid"));
    Page<Portgroup> page =
        conductor
            .portgroups()
            .list(
                new PortQuery(
                    node,
                    q.get("address"),
                    null,
                    listing.limit(),
                    listing.marker(),
                    listing.sortKey(),
                    listing.descending()));
    Set<String> shown =
        listing.detail()
            ? null
            : listing.fields() != null ? listing.fields() : PortView.PORTGROUP_SHORT;
    List<Object> groups = new ArrayList<>();
    for (Portgroup group : page.items()) {
      groups.add(PortView.portgroup(group, r.version(), shown, r.baseUrl()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("portgroups", groups);
    if (page.nextMarker() != null) {
      out.put("next", Listing.next(r, path, page.nextMarker()));
    }
    return Response.ok(out);
  }
}
