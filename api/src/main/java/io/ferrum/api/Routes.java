package io.ferrum.api;

import io.ferrum.conductor.Conductor;

/**
 * Every resource of the API and its routes: one class per resource, each registering its own paths
 * on one {@link Router}. Stateless.
 */
final class Routes {

  private Routes() {}

  /** The router of the API over {@code conductor}. */
  static Router of(Conductor conductor) {
    Router router = new Router();
    NodeViews views = new NodeViews(conductor);
    new NodesResource(conductor, views).register(router);
    new NodeStatesResource(conductor).register(router);
    new NodeSubResources(conductor).register(router);
    new DriversResource(conductor).register(router);
    return router;
  }
}
