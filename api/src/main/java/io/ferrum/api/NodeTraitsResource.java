package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Conductor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/nodes/{node}/traits} (1.37): list, replace, add one, remove one, remove all. Changes
 * answer 204. Thread-safe.
 */
final class NodeTraitsResource {

  private final Conductor conductor;

  NodeTraitsResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/nodes/{node}/traits", this::list)
        .add("PUT", "/v1/nodes/{node}/traits", this::replace)
        .add("DELETE", "/v1/nodes/{node}/traits", this::clear)
        .add("PUT", "/v1/nodes/{node}/traits/{trait}", this::add)
        .add("DELETE", "/v1/nodes/{node}/traits/{trait}", this::remove);
  }

  private static String ident(Request r) {
    r.requireEndpointVersion(37, "Node traits");
    return NodeViews.ident(r);
  }

  private Response list(Request r) {
    return Response.ok(Map.of("traits", conductor.traits().list(ident(r))));
  }

  private Response replace(Request r) {
    String ident = ident(r);
    ObjectNode body = r.object();
    JsonFields.only(body, Set.of("traits"), "node traits");
    JsonNode traits = body.get("traits");
    if (traits == null || !traits.isArray()) {
      throw new ApiException(400, "\"traits\" must be a JSON array of strings");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode trait : traits) {
      if (!trait.isTextual()) {
        throw new ApiException(400, "\"traits\" must be a JSON array of strings");
      }
      names.add(trait.asText());
    }
    conductor.traits().set(ident, names);
    return Response.noContent();
  }

  private Response add(Request r) {
    conductor.traits().add(ident(r), r.param("trait"));
    return Response.noContent();
  }

  private Response remove(Request r) {
    conductor.traits().remove(ident(r), r.param("trait"));
    return Response.noContent();
  }

  private Response clear(Request r) {
    conductor.traits().clear(ident(r));
    return Response.noContent();
  }
}
