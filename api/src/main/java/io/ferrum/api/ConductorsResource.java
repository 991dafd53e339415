package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConductorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/conductors} and {@code /v1/conductors/{hostname}} (API 1.49 and later, as in Ironic):
 * the conductors registered in the database, whether each is alive (heartbeating within its
 * timeout, on the database's clock), its conductor group and hardware types. Thread-safe.
 */
final class ConductorsResource {

  private static final Set<String> FIELDS =
      Set.of("hostname", "conductor_group", "alive", "drivers", "created_at", "updated_at");
  private static final Set<String> SHORT = Set.of("hostname", "conductor_group", "alive");

  private final Conductor conductor;

  ConductorsResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/conductors", this::list)
        .add("GET", "/v1/conductors/{hostname}", this::show);
  }

  private Response list(Request r) {
    r.requireEndpointVersion(49, "Conductors");
    r.onlyQuery(Set.of("detail", "fields", "limit", "marker", "sort_key", "sort_dir"));
    boolean detail = Boolean.TRUE.equals(r.queryBoolean("detail"));
    Set<String> fields = fields(r);
    if (detail && fields != null) {
      throw new ApiException(400, "Can not specify ?detail=True and fields in the same request");
    }
    List<Object> out = new ArrayList<>();
    for (ConductorInfo info : conductor.conductors()) {
      out.add(render(r, info, fields != null ? fields : detail ? FIELDS : SHORT));
    }
    return Response.ok(Map.of("conductors", out));
  }

  private Response show(Request r) {
    r.requireEndpointVersion(49, "Conductors");
    r.onlyQuery(Set.of("fields"));
    String hostname = r.param("hostname");
    Set<String> fields = fields(r);
    return conductor.conductors().stream()
        .filter(c -> c.hostname().equals(hostname))
        .findFirst()
        .map(c -> Response.ok(render(r, c, fields != null ? fields : FIELDS)))
        .orElseThrow(() -> new ApiException(404, "Conductor " + hostname + " could not be found."));
  }

  private static Set<String> fields(Request r) {
    String value = r.query().get("fields");
    if (value == null) {
      return null;
    }
    Set<String> fields = new LinkedHashSet<>();
    for (String field : value.split(",")) {
      String name = field.trim();
      if (!FIELDS.contains(name)) {
        throw new ApiException(400, "Field(s) \"" + name + "\" are not valid");
      }
      fields.add(name);
    }
    fields.add("hostname");
    return fields;
  }

  private static Map<String, Object> render(Request r, ConductorInfo info, Set<String> fields) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("hostname", info.hostname());
    all.put("conductor_group", info.conductorGroup());
    all.put("alive", info.alive());
    all.put("drivers", info.hardwareTypes());
    all.put("created_at", Links.time(info.createdAt()));
    all.put("updated_at", Links.time(info.heartbeatAt()));
    Map<String, Object> out = new LinkedHashMap<>();
    all.forEach(
        (name, value) -> {
          if (fields.contains(name)) {
            out.put(name, value);
          }
        });
    out.put("links", Links.of(r.baseUrl(), "conductors/" + info.hostname()));
    return out;
  }
}
