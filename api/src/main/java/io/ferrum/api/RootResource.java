package io.ferrum.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents: {@code GET /} (the versions) and {@code GET /v1} (the version's
 * resources). They need neither credentials nor a version header. Stateless and thread-safe.
 */
final class RootResource {

  /** {@code GET /}. */
  Map<String, Object> root(String baseUrl) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", "OpenStack Ironic API");
    out.put("description", "Ferrum: an Ironic-compatible bare metal conductor.");
    Map<String, Object> v1 = version(baseUrl);
    out.put("default_version", v1);
    out.put("versions", List.of(v1));
    return out;
  }

  /** {@code GET /v1}. */
  Map<String, Object> v1(String baseUrl) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "v1");
    out.put(
        "links",
        List.of(
            Map.of("href", baseUrl + "/v1/", "rel", "self"),
            Map.of(
                "href", "https://docs.openstack.org/ironic/latest/contributor/webapi.html",
                "rel", "describedby",
                "type", "text/html")));
    out.put(
        "media_types",
        List.of(
            Map.of(
                "base", "application/json", "type", "application/vnd.openstack.ironic.v1+json")));
    out.put("nodes", Links.of(baseUrl, "nodes"));
    out.put("ports", Links.of(baseUrl, "ports"));
    out.put("portgroups", Links.of(baseUrl, "portgroups"));
    out.put("drivers", Links.of(baseUrl, "drivers"));
    out.put("version", version(baseUrl));
    return out;
  }

  private static Map<String, Object> version(String baseUrl) {
    Map<String, Object> v1 = new LinkedHashMap<>();
    v1.put("id", "v1");
    v1.put("links", List.of(Map.of("href", baseUrl + "/v1/", "rel", "self")));
    v1.put("status", "CURRENT");
    v1.put("min_version", ApiVersion.MIN.toString());
    v1.put("version", ApiVersion.MAX.toString());
    return v1;
  }
}
