package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /v1/drivers}: the enabled hardware types. Thread-safe. */
final class DriversResource {

  private final Conductor conductor;

  DriversResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router.add("GET", "/v1/drivers", this::list).add("GET", "/v1/drivers/{driver}", this::show);
  }

  private Response list(Request r) {
    List<Object> drivers = new ArrayList<>();
    for (String name : conductor.drivers()) {
      drivers.add(driver(r, name));
    }
    return Response.ok(Map.of("drivers", drivers));
  }

  private Response show(Request r) {
    String name = r.param("driver");
    if (!conductor.drivers().contains(name)) {
      throw new ApiException(
          404, "Could not find the following driver(s) or hardware type(s): " + name + ".");
    }
    return Response.ok(driver(r, name));
  }

  private Map<String, Object> driver(Request r, String name) {
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("hosts", List.of(conductor.name()));
    driver.put("name", name);
    driver.put("type", "dynamic");
    driver.put("links", Links.of(r.baseUrl(), "drivers/" + name));
    driver.put("properties", Links.of(r.baseUrl(), "drivers/" + name + "/properties"));
    return driver;
  }
}
