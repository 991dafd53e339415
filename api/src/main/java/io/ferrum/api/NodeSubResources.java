package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.HistoryEvent;
import io.ferrum.conductor.InterfaceValidation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's smaller sub-resources: {@code /maintenance}, {@code /validate} and {@code /history}.
 * Thread-safe.
 */
final class NodeSubResources {

  private final Conductor conductor;

  NodeSubResources(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("PUT", "/v1/nodes/{node}/maintenance", r -> maintenance(r, true))
        .add("DELETE", "/v1/nodes/{node}/maintenance", r -> maintenance(r, false))
        .add("GET", "/v1/nodes/{node}/validate", this::validate)
        .add("GET", "/v1/nodes/{node}/history", this::history)
        .add("GET", "/v1/nodes/{node}/history/detail", this::history)
        .add("GET", "/v1/nodes/{node}/history/{event}", this::historyEvent);
  }

  private Response maintenance(Request r, boolean on) {
    String ident = NodeViews.ident(r);
    String reason = null;
    if (on && r.hasBody()) {
      reason = JsonFields.optionalText(r.object(), "reason");
    }
    conductor.setMaintenance(ident, on, reason);
    return Response.empty(202, Map.of());
  }

  private Response validate(Request r) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, InterfaceValidation> e :
        conductor.validate(NodeViews.ident(r)).entrySet()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("result", e.getValue().result());
      result.put("reason", e.getValue().reason());
      out.put(e.getKey(), result);
    }
    return Response.ok(out);
  }

  private Response history(Request r) {
    r.requireVersion(78, "Node history");
    r.onlyQuery(Set.of("detail", "limit", "marker"));
    boolean detail = r.path().size() == 5 || Boolean.TRUE.equals(r.queryBoolean("detail"));
    List<Object> out = new ArrayList<>();
    for (HistoryEvent e : conductor.history(NodeViews.ident(r))) {
      out.add(event(r, e, detail));
    }
    return Response.ok(Map.of("history", out));
  }

  private Response historyEvent(Request r) {
    r.requireVersion(78, "Node history");
    String ident = NodeViews.ident(r);
    String uuid = r.param("event");
    return conductor.history(ident).stream()
        .filter(e -> e.uuid().equals(uuid))
        .findFirst()
        .map(e -> Response.ok(event(r, e, true)))
        .orElseThrow(
            () -> new ApiException(404, "Node history record " + uuid + " could not be found."));
  }

  /** One event: Ironic's standard fields, or with {@code detail} also conductor, type and user. */
  private static Map<String, Object> event(Request r, HistoryEvent e, boolean detail) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("uuid", e.uuid());
    item.put("created_at", Links.time(e.createdAt()));
    item.put("severity", e.severity());
    item.put(
        "event",
        e.message() != null
            ? e.message()
            : e.event() + ": " + e.fromState() + " -> " + e.toState());
    if (detail) {
      item.put("conductor", e.conductor());
      item.put("event_type", e.eventType());
      item.put("user", null);
    }
    item.put("links", Links.of(r.baseUrl(), "nodes/" + r.param("node") + "/history/" + e.uuid()));
    return item;
  }
}
