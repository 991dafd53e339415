package io.ferrum.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Ironic's links and timestamps in API documents. Stateless and thread-safe. */
final class Links {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  private Links() {}

  /** Ironic's self and bookmark links for {@code path} (below {@code /v1}). */
  static List<Map<String, Object>> of(String baseUrl, String path) {
    return List.of(
        Map.of("href", baseUrl + "/v1/" + path, "rel", "self"),
        Map.of("href", baseUrl + "/" + path, "rel", "bookmark"));
  }

  /** Ironic's timestamp format, {@code 2026-11-22T07:03:50.757709+00:00}, or null. */
  static String time(Instant instant) {
    return instant == null ? null : TIME.format(instant);
  }
}
