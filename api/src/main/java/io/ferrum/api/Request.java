package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ferrum.conductor.PatchOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One API request as the handlers see it: method, decoded path segments, query parameters, the
 * microversion, the base URL for links, the body (received in full) and the path parameters the
 * router bound. Body parsing is strict ({@link StrictJson}); every mistake is a 4xx naming it.
 * Immutable (the exchange aside); one thread at a time.
 *
 * @param exchange the JDK's exchange, for request headers
 * @param method the HTTP method
 * @param path the decoded path segments
 * @param query the decoded query parameters (each at most once)
 * @param version the requested microversion
 * @param baseUrl {@code http://host:port} as the client addressed the server
 * @param body the request body, possibly empty
 * @param params what the route's {@code {name}} segments matched
 */
record Request(
    HttpExchange exchange,
    String method,
    List<String> path,
    Map<String, String> query,
    ApiVersion version,
    String baseUrl,
    byte[] body,
    Map<String, String> params) {

  /** This request with the path parameters {@code values}. */
  Request withParams(Map<String, String> values) {
    return new Request(exchange, method, path, query, version, baseUrl, body, Map.copyOf(values));
  }

  /** The path parameter {@code name}. */
  String param(String name) {
    String value = params.get(name);
    if (value == null) {
      throw new IllegalStateException("no path parameter " + name);
    }
    return value;
  }

  /** Whether the request carries a body. */
  boolean hasBody() {
    return body.length > 0;
  }

  /** Whether the requested version is at least {@code 1.minor}. */
  boolean atLeast(int minor) {
    return version.atLeast(minor);
  }

  /**
   * Refuses a request below {@code 1.minor} for a feature that exists since then.
   *
   * @throws ApiException 406 naming {@code what}
   */
  void requireVersion(int minor, String what) {
    if (!version.atLeast(minor)) {
      throw new ApiException(406, what + " needs API version 1." + minor + " or later");
    }
  }

  /**
   * Refuses a request below {@code 1.minor} for an endpoint that exists since then, as Ironic does:
   * with a 404.
   */
  void requireEndpointVersion(int minor, String what) {
    if (!version.atLeast(minor)) {
      throw new ApiException(404, what + " needs API version 1." + minor + " or later");
    }
  }

  /** The body as JSON: {@code application/json} (or no type), one strict value. */
  JsonNode json() {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(
          415, "Unsupported Content-Type \"" + type + "\"; use application/json");
    }
    if (body.length == 0) {
      throw new ApiException(400, "The request needs a JSON body");
    }
    return StrictJson.parse(body);
  }

  /** The body as a JSON object. */
  ObjectNode object() {
    if (!(json() instanceof ObjectNode object)) {
      throw new ApiException(400, "The request body must be a JSON object");
    }
    return object;
  }

  /** The body as an RFC 6902 patch: a non-empty array of {op, path[, value]}. */
  List<PatchOperation> patch() {
    JsonNode document = json();
    if (!document.isArray() || document.isEmpty()) {
      throw new ApiException(400, "A PATCH body must be a non-empty JSON array of operations");
    }
    List<PatchOperation> ops = new ArrayList<>();
    for (JsonNode op : document) {
      if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
        throw new ApiException(400, "Each patch operation needs string \"op\" and \"path\"");
      }
      String name = op.get("op").asText();
      if ((name.equals("add") || name.equals("replace")) && !op.has("value")) {
        throw new ApiException(400, "Patch operation \"" + name + "\" needs a \"value\"");
      }
      ops.add(
          new PatchOperation(
              name,
              op.get("path").asText(),
              op.has("value") ? JsonFields.value(op.get("value")) : null));
    }
    return ops;
  }

  /** The query parameter {@code name} as Ironic's lenient boolean, or {@code null} if absent. */
  Boolean queryBoolean(String name) {
    String value = query.get(name);
    return value == null ? null : JsonFields.bool(value, name);
  }

  /**
   * Refuses query parameters outside {@code known}, as Ironic does: a misspelt filter must not
   * silently list everything.
   *
   * @throws ApiException 400 naming the first unknown parameter and the ones this endpoint takes
   */
  void onlyQuery(java.util.Set<String> known) {
    for (String name : query.keySet()) {
      if (!known.contains(name)) {
        throw new ApiException(
            400,
            "Unknown query parameter \""
                + StrictJson.printable(name)
                + "\"; this endpoint takes "
                + new java.util.TreeSet<>(known));
      }
    }
  }
}
