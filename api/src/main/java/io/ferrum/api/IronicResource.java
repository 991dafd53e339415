package io.ferrum.api;

/**
 * Every top-level resource of Ironic's v1 API ({@code /v1/<path>}) and whether Ferrum implements
 * it. Those it does not implement answer every request with a 404 that says so ({@link
 * Router#notImplemented}); docs/api.md has the same table, and a test keeps the two equal.
 * Immutable.
 */
enum IronicResource {
  NODES("nodes", true),
  PORTS("ports", true),
  PORTGROUPS("portgroups", true),
  DRIVERS("drivers", true),
  CONDUCTORS("conductors", true),
  ALLOCATIONS("allocations", true),
  CHASSIS("chassis", false),
  VOLUME("volume", false),
  LOOKUP("lookup", true),
  HEARTBEAT("heartbeat", true),
  EVENTS("events", false),
  DEPLOY_TEMPLATES("deploy_templates", false),
  SHARDS("shards", false),
  RUNBOOKS("runbooks", false),
  INSPECTION_RULES("inspection_rules", false),
  CONTINUE_INSPECTION("continue_inspection", false);

  private final String path;
  private final boolean implemented;

  IronicResource(String path, boolean implemented) {
    this.path = path;
    this.implemented = implemented;
  }

  /** The path below {@code /v1}. */
  String path() {
    return path;
  }

  /** Whether Ferrum serves it. */
  boolean implemented() {
    return implemented;
  }
}
