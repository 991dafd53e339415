package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.BootDeviceState;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.LenientBoolean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/nodes/{node}/management}: the boot device (show, set, supported) and the non-maskable
 * interrupt (1.29). Each is a synchronous call to the node's management interface under its lock; a
 * change answers 204. Thread-safe.
 */
final class NodeManagementResource {

  private final Conductor conductor;

  NodeManagementResource(Conductor conductor) {
    this.conductor = conductor;
  }

  void register(Router router) {
    router
        .add("GET", "/v1/nodes/{node}/management/boot_device", this::show)
        .add("PUT", "/v1/nodes/{node}/management/boot_device", this::set)
        .add("GET", "/v1/nodes/{node}/management/boot_device/supported", this::supported)
        .add("PUT", "/v1/nodes/{node}/management/inject_nmi", this::injectNmi)
        .notImplemented("/v1/nodes/{node}/management/indicators/**", "node indicators");
  }

  private Response show(Request r) {
    BootDeviceState state = conductor.management().bootDevice(NodeViews.ident(r));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("boot_device", state.bootDevice());
    out.put("persistent", state.persistent());
    return Response.ok(out);
  }

  private Response set(Request r) {
    String ident = NodeViews.ident(r);
    ObjectNode body = r.object();
    JsonFields.only(body, Set.of("boot_device", "persistent"), "boot device request");
    String device = JsonFields.requiredText(body, "boot_device");
    JsonNode persistent = body.get("persistent");
    boolean keep =
        persistent != null
            && !persistent.isNull()
            && LenientBoolean.parse(JsonFields.value(persistent), "persistent");
    conductor.management().setBootDevice(ident, device, keep);
    return Response.noContent();
  }

  private Response supported(Request r) {
    return Response.ok(
        Map.of(
            "supported_boot_devices",
            conductor.management().supportedBootDevices(NodeViews.ident(r))));
  }

  private Response injectNmi(Request r) {
    r.requireEndpointVersion(29, "Injecting a non-maskable interrupt");
    String ident = NodeViews.ident(r);
    if (r.hasBody()) {
      JsonFields.only(r.object(), Set.of(), "inject NMI request");
    }
    conductor.management().injectNmi(ident);
    return Response.noContent();
  }
}
