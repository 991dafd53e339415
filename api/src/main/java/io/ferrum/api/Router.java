package io.ferrum.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a method and a path to the handler of a resource. Patterns are paths whose segments are
 * literals or {@code {name}} parameters ({@code /v1/nodes/{node}/traits}); a final {@code **}
 * matches whatever follows. Where several patterns match, the one with more literal segments wins,
 * so {@code /v1/nodes/detail} is not taken for a node called "detail". A path that matches with
 * another method is a 405 naming the allowed ones; one that matches nothing a 404. Routes are added
 * before the server starts; afterwards thread-safe.
 */
final class Router {

  /** Answers one request. */
  @FunctionalInterface
  interface Handler {
    Response handle(Request request) throws IOException;
  }

  private record Route(String method, List<String> pattern, Set<String> query, Handler handler) {}

  /** The methods that change something. */
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final List<Route> routes = new ArrayList<>();

  /** Serves {@code method} on {@code pattern} with {@code handler}. */
  Router add(String method, String pattern, Handler handler) {
    return add(method, pattern, Set.of(), handler);
  }

  /**
   * Serves {@code method} on {@code pattern} with {@code handler}; a write ({@code POST}, {@code
   * PUT}, {@code PATCH}, {@code DELETE}) takes only the query parameters in {@code query}, any
   * other is a 400 before the handler runs. A {@code GET} handler checks its own.
   */
  Router add(String method, String pattern, Set<String> query, Handler handler) {
    routes.add(new Route(method, segments(pattern), Set.copyOf(query), handler));
    return this;
  }

  /**
   * Answers every method on {@code pattern} with a 404 saying Ferrum does not implement {@code
   * what}, an endpoint of Ironic's API.
   */
  Router notImplemented(String pattern, String what) {
    routes.add(
        new Route(
            "*",
            segments(pattern),
            Set.of(),
            r -> {
              throw notImplemented(what);
            }));
    return this;
  }

  /** The 404 for an endpoint of Ironic's API that Ferrum does not implement. */
  static ApiException notImplemented(String what) {
    return new ApiException(
        404,
        "Ferrum does not implement "
            + what
            + " of Ironic's API; docs/api.md lists what it implements.");
  }

  /** Finds the handler for {@code request} and runs it. */
  Response route(Request request) throws IOException {
    List<String> path = request.path();
    int best = -1;
    List<Route> candidates = new ArrayList<>();
    List<Map<String, String>> candidateParams = new ArrayList<>();
    for (Route route : routes) {
      Map<String, String> params = match(route.pattern(), path);
      if (params == null) {
        continue;
      }
      int score = literals(route.pattern());
      if (score > best) {
        best = score;
        candidates.clear();
        candidateParams.clear();
      }
      if (score == best) {
        candidates.add(route);
        candidateParams.add(params);
      }
    }
    if (candidates.isEmpty()) {
      throw new ApiException(404, "The resource could not be found.");
    }
    Set<String> allowed = new LinkedHashSet<>();
    for (int i = 0; i < candidates.size(); i++) {
      Route route = candidates.get(i);
      if (route.method().equals(request.method()) || route.method().equals("*")) {
        if (route.method().equals(request.method()) && WRITES.contains(request.method())) {
          // No write takes a query parameter: one there is a client's mistake, refused before
          // anything changes (as a GET refuses one it does not know).
          request.onlyQuery(route.query());
        }
        return route.handler().handle(request.withParams(candidateParams.get(i)));
      }
      allowed.add(route.method());
    }
    String list = String.join(", ", allowed);
    throw new ApiException(405, "Method not allowed; allowed: " + list, list);
  }

  /** The parameters {@code pattern} binds in {@code path}, or {@code null} if it does not match. */
  private static Map<String, String> match(List<String> pattern, List<String> path) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String part = pattern.get(i);
      if (part.equals("**")) {
        return params;
      }
      if (i >= path.size()) {
        return null;
      }
      if (part.startsWith("{")) {
        params.put(part.substring(1, part.length() - 1), path.get(i));
      } else if (!part.equals(path.get(i))) {
        return null;
      }
    }
    return pattern.size() == path.size() ? params : null;
  }

  private static int literals(List<String> pattern) {
    int count = 0;
    for (String part : pattern) {
      if (!part.startsWith("{") && !part.equals("**")) {
        count++;
      }
    }
    return count;
  }

  private static List<String> segments(String pattern) {
    List<String> out = new ArrayList<>();
    for (String part : pattern.split("/")) {
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return List.copyOf(out);
  }
}
