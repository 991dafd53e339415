package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.Allocation;
import io.ferrum.conductor.AllocationQuery;
import io.ferrum.conductor.AllocationSpec;
import io.ferrum.conductor.Allocations;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code /v1/allocations} (from 1.52) and a node's allocation ({@code
 * /v1/nodes/{node}/allocation}): create, list, show (by UUID or name), patch (from 1.57: {@code
 * name}, {@code extra}), delete. As in Ironic, before 1.52 a GET is a 404 and any other method a
 * 405; {@code owner} needs 1.60 (406 before). Thread-safe.
 */
final class AllocationsResource {

  private static final int SINCE = 52;
  private static final int PATCH_SINCE = 57;
  private static final int BACKFILL_SINCE = 58;
  private static final int OWNER_SINCE = 60;

  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "uuid", "name", "resource_class", "traits", "candidate_nodes", "extra", "owner", "node");

  private record Field(String name, int since, Function<Allocation, Object> value) {}

  private static final List<Field> FIELDS =
      List.of(
          new Field("uuid", SINCE, Allocation::uuid),
          new Field("name", SINCE, Allocation::name),
          new Field("node_uuid", SINCE, Allocation::nodeUuid),
          new Field("state", SINCE, Allocation::state),
          new Field("last_error", SINCE, Allocation::lastError),
          new Field("resource_class", SINCE, Allocation::resourceClass),
          new Field("traits", SINCE, Allocation::traits),
          new Field("candidate_nodes", SINCE, Allocation::candidateNodes),
          new Field("extra", SINCE, Allocation::extra),
          new Field("owner", OWNER_SINCE, Allocation::owner),
          new Field("created_at", SINCE, a -> Links.time(a.createdAt())),
          new Field("updated_at", SINCE, a -> Links.time(a.updatedAt())));

  private final Conductor conductor;

  AllocationsResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/allocations", gated(this::list))
        .add("POST", "/v1/allocations", gated(this::create))
        .add("GET", "/v1/allocations/{allocation}", gated(this::show))
        .add("PATCH", "/v1/allocations/{allocation}", gated(this::patch))
        .add("DELETE", "/v1/allocations/{allocation}", gated(this::delete))
        .add("GET", "/v1/nodes/{node}/allocation", ofNode(this::showOfNode))
        .add("DELETE", "/v1/nodes/{node}/allocation", ofNode(this::deleteOfNode));
  }

  /** Ironic's gate: before 1.52 a GET is not found, any other method not allowed. */
  private static Router.Handler gated(Router.Handler handler) {
    return r -> {
      if (!r.atLeast(SINCE)) {
        if (r.method().equals("GET")) {
          throw new ApiException(404, "The API version does not allow allocations");
        }
        throw new ApiException(405, "The API version does not allow allocations");
      }
      return handler.handle(r);
    };
  }

  private static Router.Handler ofNode(Router.Handler handler) {
    return r -> {
      r.requireEndpointVersion(SINCE, "The allocation of a node");
      return handler.handle(r);
    };
  }

  private Allocations allocations() {
    return conductor.allocations();
  }

  private Response create(Request r) {
    ObjectNode body = r.object();
    JsonFields.only(body, CREATE_FIELDS, "allocation");
    if (present(body, "owner")) {
      requireOwnerVersion(r);
    }
    if (present(body, "node")) {
      if (!r.atLeast(BACKFILL_SINCE)) {
        throw new ApiException(
            400, "Cannot set node when creating an allocation in this API version");
      }
      throw new ApiException(
          400, "Ferrum does not backfill allocations: \"node\" is not supported");
    }
    String resourceClass = JsonFields.optionalText(body, "resource_class");
    if (resourceClass == null || resourceClass.isEmpty()) {
      throw new ApiException(400, "The resource_class field is mandatory when not backfilling");
    }
    Allocation created =
        allocations()
            .allocate(
                new AllocationSpec(
                    JsonFields.optionalText(body, "uuid"),
                    JsonFields.optionalText(body, "name"),
                    resourceClass,
                    strings(body, "traits", Allocations.MAX_TRAITS),
                    strings(body, "candidate_nodes", Allocations.MAX_CANDIDATES),
                    JsonFields.optionalText(body, "owner"),
                    JsonFields.document(body, "extra")));
    return new Response(
        201,
        render(created, r, null),
        Map.of("Location", r.baseUrl() + "/v1/allocations/" + created.uuid()));
  }

  private Response show(Request r) {
    r.onlyQuery(Set.of("fields"));
    Set<String> fields = fields(r);
    return Response.ok(render(allocations().get(r.param("allocation")), r, fields));
  }

  private Response showOfNode(Request r) {
    r.onlyQuery(Set.of("fields"));
    Set<String> fields = fields(r);
    return Response.ok(render(allocations().ofNode(NodeViews.ident(r)), r, fields));
  }

  private Response patch(Request r) {
    if (!r.atLeast(PATCH_SINCE)) {
      throw new ApiException(405, "The API version does not allow updating allocations");
    }
    Allocation updated = allocations().update(r.param("allocation"), r.patch());
    return Response.ok(render(updated, r, null));
  }

  private Response delete(Request r) {
    allocations().delete(r.param("allocation"));
    return Response.noContent();
  }

  private Response deleteOfNode(Request r) {
    Allocation allocation = allocations().ofNode(NodeViews.ident(r));
    allocations().delete(allocation.uuid());
    return Response.noContent();
  }

  private Response list(Request r) {
    Set<String> known = new LinkedHashSet<>(Listing.PARAMETERS);
    known.remove("detail");
    known.addAll(List.of("node", "resource_class", "state", "owner"));
    r.onlyQuery(known);
    Map<String, String> q = r.query();
    if (q.containsKey("owner")) {
      requireOwnerVersion(r);
    }
    Set<String> fields = fields(r);
    Listing listing = Listing.of(r, false, names(r), AllocationQuery.MAX_LIMIT);
    Page<Allocation> page =
        allocations()
            .list(
                new AllocationQuery(
                    q.get("node"),
                    q.get("resource_class"),
                    q.get("state"),
                    q.get("owner"),
                    listing.limit(),
                    listing.marker(),
                    listing.sortKey(),
                    listing.descending()));
    List<Object> items = new ArrayList<>();
    for (Allocation allocation : page.items()) {
      items.add(render(allocation, r, fields));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("allocations", items);
    if (page.nextMarker() != null) {
      out.put("next", Listing.next(r, "allocations", page.nextMarker()));
    }
    return Response.ok(out);
  }

  // ---- rendering and input ----

  private static Map<String, Object> render(Allocation allocation, Request r, Set<String> only) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field field : FIELDS) {
      if (r.atLeast(field.since()) && (only == null || only.contains(field.name()))) {
        out.put(field.name(), field.value().apply(allocation));
      }
    }
    out.put("links", Links.of(r.baseUrl(), "allocations/" + allocation.uuid()));
    return out;
  }

  /** The fields a client may ask for at the request's version. */
  private static Set<String> names(Request r) {
    Set<String> names = new TreeSet<>();
    for (Field field : FIELDS) {
      if (r.atLeast(field.since())) {
        names.add(field.name());
      }
    }
    return names;
  }

  /** The {@code fields} parameter; {@code owner} before 1.60 is a 406, as in Ironic. */
  private static Set<String> fields(Request r) {
    String requested = r.query().get("fields");
    if (requested != null && !r.atLeast(OWNER_SINCE)) {
      for (String name : requested.split(",")) {
        if (name.trim().equals("owner")) {
          requireOwnerVersion(r);
        }
      }
    }
    return Listing.fields(r, names(r));
  }

  private static void requireOwnerVersion(Request r) {
    if (!r.atLeast(OWNER_SINCE)) {
      throw new ApiException(406, "The owner field needs API version 1." + OWNER_SINCE);
    }
  }

  private static boolean present(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && !value.isNull();
  }

  /** A JSON array of at most {@code max} strings, or an empty list when absent or null. */
  private static List<String> strings(ObjectNode body, String field, int max) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ApiException(400, "\"" + field + "\" must be a JSON array of strings");
    }
    if (value.size() > max) {
      throw new ApiException(
          400, "\"" + field + "\" has " + value.size() + " items; at most " + max + " are allowed");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual()) {
        throw new ApiException(400, "\"" + field + "[" + i + "]\" must be a string");
      }
      out.add(item.asText());
    }
    return out;
  }
}
