package io.ferrum.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The paging, sorting and field-selection parameters every collection takes ({@code limit}, {@code
 * marker}, {@code sort_key}, {@code sort_dir}, {@code fields}, {@code detail}), and the {@code
 * next} link of a page. Immutable.
 *
 * @param limit the page size, 1 to {@code max}
 * @param marker the UUID the page starts after, or {@code null}
 * @param sortKey the sort key as given ({@code id} when absent)
 * @param descending whether {@code sort_dir} is {@code desc}
 * @param fields the fields asked for (plus {@code uuid}), or {@code null} for the default
 * @param detail whether full documents are wanted ({@code /detail} or {@code ?detail=true})
 */
record Listing(
    int limit,
    String marker,
    String sortKey,
    boolean descending,
    Set<String> fields,
    boolean detail) {

  /** The parameters every listing accepts. */
  static final Set<String> PARAMETERS =
      Set.of("fields", "limit", "marker", "sort_key", "sort_dir", "detail");

  /**
   * Reads the listing parameters of {@code r}.
   *
   * @param detailPath whether the path itself asks for details ({@code /detail})
   * @param known the fields a client may ask for at this version
   * @param max the largest page
   */
  static Listing of(Request r, boolean detailPath, Set<String> known, int max) {
    Map<String, String> q = r.query();
    Set<String> fields = fields(r, known);
    boolean detail = detailPath;
    if (q.containsKey("detail")) {
      if (!r.atLeast(43)) {
        throw new ApiException(406, "The detail parameter needs API version 1.43 or later");
      }
      if (detailPath) {
        throw new ApiException(400, "Can not specify ?detail with a /detail path");
      }
      detail = JsonFields.bool(q.get("detail"), "detail");
    }
    if (detail && fields != null) {
      throw new ApiException(400, "Can not specify ?fields together with details");
    }
    int limit = q.containsKey("limit") ? JsonFields.limit(q.get("limit"), max) : max;
    String sortDir = q.getOrDefault("sort_dir", "asc");
    if (!sortDir.equals("asc") && !sortDir.equals("desc")) {
      throw new ApiException(400, "sort_dir must be asc or desc, not \"" + sortDir + "\"");
    }
    return new Listing(
        Math.min(limit, max),
        q.get("marker"),
        q.getOrDefault("sort_key", "id"),
        sortDir.equals("desc"),
        fields,
        detail);
  }

  /** The {@code fields} parameter checked against {@code known}, or {@code null}. */
  static Set<String> fields(Request r, Set<String> known) {
    String value = r.query().get("fields");
    if (value == null) {
      return null;
    }
    if (!r.atLeast(8)) {
      throw new ApiException(406, "The fields parameter needs API version 1.8 or later");
    }
    Set<String> fields = new LinkedHashSet<>();
    for (String field : value.split(",")) {
      String name = field.trim();
      if (!known.contains(name)) {
        throw new ApiException(400, "Field(s) \"" + name + "\" are not valid");
      }
      fields.add(name);
    }
    fields.add("uuid");
    return fields;
  }

  /** The link to the page after {@code nextMarker}: the same query with the new marker. */
  static String next(Request r, String collectionPath, String nextMarker) {
    StringBuilder next = new StringBuilder(r.baseUrl() + "/v1/" + collectionPath + "?");
    r.query()
        .forEach(
            (k, v) -> {
              if (!k.equals("marker")) {
                next.append(k)
                    .append('=')
                    .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&');
              }
            });
    return next.append("marker=").append(nextMarker).toString();
  }
}
