package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.LenientBoolean;
import io.ferrum.conductor.Page;
import io.ferrum.conductor.Port;
import io.ferrum.conductor.PortQuery;
import io.ferrum.conductor.PortSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/ports}, and the ports of a node ({@code /v1/nodes/{node}/ports}) and of a port group
 * ({@code /v1/portgroups/{portgroup}/ports}): create, list (short or detailed; by node, address or
 * port group), show, patch, delete. Thread-safe.
 */
final class PortsResource {

  private static final Map<String, Integer> CREATE_FIELDS =
      Map.of(
          "uuid", 1,
          "address", 1,
          "node_uuid", 1,
          "extra", 1,
          "pxe_enabled", 19,
          "local_link_connection", 19,
          "portgroup_uuid", 24,
          "physical_network", 34,
          "is_smartnic", 53);

  private final Conductor conductor;

  PortsResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/ports", r -> list(r, "ports", false, PortQuery.all()))
        .add("POST", "/v1/ports", this::create)
        .add("GET", "/v1/ports/detail", r -> list(r, "ports/detail", true, PortQuery.all()))
        .add("GET", "/v1/ports/{port}", this::show)
        .add("PATCH", "/v1/ports/{port}", this::patch)
        .add("DELETE", "/v1/ports/{port}", this::delete)
        .add("GET", "/v1/nodes/{node}/ports", r -> ofNode(r, false))
        .add("GET", "/v1/nodes/{node}/ports/detail", r -> ofNode(r, true))
        .add("GET", "/v1/portgroups/{portgroup}/ports", r -> ofGroup(r, false))
        .add("GET", "/v1/portgroups/{portgroup}/ports/detail", r -> ofGroup(r, true));
  }

  private Response show(Request r) {
    r.onlyQuery(Set.of("fields"));
    Port port = conductor.ports().get(r.param("port"));
    return Response.ok(
        PortView.port(
            port, r.version(), Listing.fields(r, PortView.portFields(r.version())), r.baseUrl()));
  }

  private Response patch(Request r) {
    Port port = conductor.ports().update(r.param("port"), r.patch());
    return Response.ok(PortView.port(port, r.version(), null, r.baseUrl()));
  }

  private Response delete(Request r) {
    conductor.ports().delete(r.param("port"));
    return Response.noContent();
  }

  private Response create(Request r) {
    ObjectNode body = r.object();
    JsonFields.only(body, CREATE_FIELDS.keySet(), "port");
    for (String name : JsonFields.iterable(body.fieldNames())) {
      r.requireVersion(CREATE_FIELDS.get(name), "The \"" + name + "\" field");
    }
    Port port =
        conductor
            .ports()
            .create(
                new PortSpec(
                    JsonFields.optionalText(body, "uuid"),
                    JsonFields.requiredText(body, "address"),
                    JsonFields.requiredText(body, "node_uuid"),
                    JsonFields.optionalText(body, "portgroup_uuid"),
                    flag(body, "pxe_enabled"),
                    JsonFields.document(body, "local_link_connection"),
                    JsonFields.optionalText(body, "physical_network"),
                    flag(body, "is_smartnic"),
                    JsonFields.document(body, "extra")));
    return new Response(
        201,
        PortView.port(port, r.version(), null, r.baseUrl()),
        Map.of("Location", r.baseUrl() + "/v1/ports/" + port.uuid()));
  }

  private Response ofNode(Request r, boolean detail) {
    String node = NodeViews.ident(r);
    conductor.getNode(node); // 404 for a node that does not exist
    return list(
        r,
        "nodes/" + r.param("node") + "/ports" + (detail ? "/detail" : ""),
        detail,
        PortQuery.all().ofNode(node));
  }

  private Response ofGroup(Request r, boolean detail) {
    r.requireEndpointVersion(24, "The ports of a port group");
    String group = r.param("portgroup");
    conductor.portgroups().get(group); // 404 for a group that does not exist
    PortQuery all = PortQuery.all();
    return list(
        r,
        "portgroups/" + group + "/ports" + (detail ? "/detail" : ""),
        detail,
        new PortQuery(null, null, group, all.limit(), null, "id", false));
  }

  private Response list(Request r, String path, boolean detailPath, PortQuery scope) {
    Set<String> known = new LinkedHashSet<>(Listing.PARAMETERS);
    known.addAll(List.of("node", "node_uuid", "address", "portgroup"));
    r.onlyQuery(known);
    Map<String, String> q = r.query();
    if (q.containsKey("portgroup")) {
      r.requireVersion(24, "Filtering by portgroup");
    }
    Listing listing =
        Listing.of(r, detailPath, PortView.portFields(r.version()), PortQuery.MAX_LIMIT);
    String node = scope.node() != null ? scope.node() : q.getOrDefault("node", q.get("node_uuid"));
    Page<Port> page =
        conductor
            .ports()
            .list(
                new PortQuery(
                    node,
                    q.get("address"),
                    scope.portgroup() != null ? scope.portgroup() : q.get("portgroup"),
                    listing.limit(),
                    listing.marker(),
                    listing.sortKey(),
                    listing.descending()));
    Set<String> shown =
        listing.detail() ? null : listing.fields() != null ? listing.fields() : PortView.PORT_SHORT;
    List<Object> ports = new ArrayList<>();
    for (Port port : page.items()) {
      ports.add(PortView.port(port, r.version(), shown, r.baseUrl()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ports", ports);
    if (page.nextMarker() != null) {
      out.put("next", Listing.next(r, path, page.nextMarker()));
    }
    return Response.ok(out);
  }

  /** A boolean body field, Ironic's lenient strings included; null when absent. */
  static Boolean flag(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull()
        ? null
        : LenientBoolean.parse(JsonFields.value(value), field);
  }
}
