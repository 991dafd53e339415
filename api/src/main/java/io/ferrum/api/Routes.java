package io.ferrum.api;

import io.ferrum.conductor.Conductor;

/**
 * Every resource of the API and its routes: one class per resource, each registering its own paths
 * on one {@link Router}. Ferrum's own extensions live under {@code /v1/ferrum/}, a path Ironic's
 * API does not have. Stateless.
 */
final class Routes {

  /** Sub-resources of Ironic's nodes that Ferrum does not implement. */
  static final java.util.List<String> NODE_SUBRESOURCES_NOT_IMPLEMENTED =
      java.util.List.of(
          "vifs",
          "bios",
          "vendor_passthru",
          "volume",
          "inventory",
          "children",
          "firmware",
          "virtual_media",
          "states/console",
          "states/boot_mode",
          "states/secure_boot");

  private Routes() {}

  /** The router of the API over {@code conductor}. */
  static Router of(Conductor conductor) {
    Router router = new Router();
    NodeViews views = new NodeViews(conductor);
    new NodesResource(conductor, views).register(router);
    new NodeStatesResource(conductor).register(router);
    new NodeSubResources(conductor).register(router);
    new NodeTraitsResource(conductor).register(router);
    new NodeManagementResource(conductor).register(router);
    new PortsResource(conductor).register(router);
    new PortgroupsResource(conductor).register(router);
    new AllocationsResource(conductor).register(router);
    new DriversResource(conductor).register(router);
    new ConductorsResource(conductor).register(router);
    new RamdiskResource(conductor).register(router);
    new BulkResource(conductor).register(router); // Ferrum's own: /v1/ferrum/...
    for (IronicResource resource : IronicResource.values()) {
      if (!resource.implemented()) {
        router.notImplemented("/v1/" + resource.path() + "/**", "/v1/" + resource.path());
      }
    }
    for (String sub : NODE_SUBRESOURCES_NOT_IMPLEMENTED) {
      router.notImplemented("/v1/nodes/{node}/" + sub + "/**", "/v1/nodes/{node}/" + sub);
    }
    return router;
  }
}
