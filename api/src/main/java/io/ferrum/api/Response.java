package io.ferrum.api;

import java.util.Map;

/**
 * What a handler answers: a status, a body for JSON (a {@link String} is sent as Prometheus text)
 * or {@code null} for none, and extra headers. Immutable.
 */
record Response(int status, Object body, Map<String, String> headers) {

  static Response json(int status, Object body) {
    return new Response(status, body, Map.of());
  }

  static Response ok(Object body) {
    return json(200, body);
  }

  static Response empty(int status, Map<String, String> headers) {
    return new Response(status, null, headers);
  }

  /** 204, Ironic's answer to a synchronous change with nothing to show. */
  static Response noContent() {
    return empty(204, Map.of());
  }
}
