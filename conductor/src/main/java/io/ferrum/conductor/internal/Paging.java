package io.ferrum.conductor.internal;

import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Pages of one table's rows, as every listing but the nodes' pages them: a sort key from an
 * allowlist, a limit from 1 to a maximum, equality filters joined by {@code AND}, and a marker (the
 * UUID of the last row of the previous page) that the page starts after. Rows are ordered by the
 * sort key, then by id in the same direction, so that rows with equal keys keep one order; one row
 * more than the limit is read to tell whether another page follows. The SQL is the same on H2 and
 * PostgreSQL. Immutable and thread-safe.
 */
final class Paging {

  /** What a listing asks of its page: sort key ({@code null}: {@code id}), size and start. */
  record Request(String sortKey, int limit, String marker, boolean descending) {}

  /**
   * One equality filter: {@code condition} (SQL naming the parameter {@code :name}) applies when
   * {@code value} is not {@code null}.
   */
  record Filter(String condition, String name, Object value) {}

  private final String select;
  private final String table;
  private final String alias;
  private final Map<String, String> sortKeys;
  private final int maxLimit;

  /**
   * Pages of {@code table}, read with {@code select} (which names the table {@code alias} and ends
   * where a {@code WHERE} may follow).
   *
   * @param sortKeys each sort key a listing may name, to the SQL expression it sorts by; an unknown
   *     key's message lists the keys in this map's order
   * @param maxLimit the largest page
   */
  Paging(String select, String table, String alias, Map<String, String> sortKeys, int maxLimit) {
    this.select = select;
    this.table = table;
    this.alias = alias;
    this.sortKeys = sortKeys;
    this.maxLimit = maxLimit;
  }

  /**
   * One page of the rows that {@code filters} accept, each read with {@code mapper}; {@code uuidOf}
   * gives the next page's marker from the last row.
   *
   * @throws InvalidParameterException for an unknown sort key, a bad limit, or an unknown marker
   */
  <T> Page<T> page(
      Handle handle,
      Request request,
      List<Filter> filters,
      RowMapper<T> mapper,
      Function<T, String> uuidOf) {
    String sort = sortKeys.get(request.sortKey() == null ? "id" : request.sortKey());
    if (sort == null) {
      throw new InvalidParameterException(
          "Unknown sort key \"" + request.sortKey() + "\"; use one of " + sortKeys.keySet());
    }
    if (request.limit() < 1 || request.limit() > maxLimit) {
      throw new InvalidParameterException(
          "limit must be between 1 and " + maxLimit + ", not " + request.limit());
    }
    StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
    for (Filter filter : filters) {
      if (filter.value() != null) {
        where.add(filter.condition());
      }
    }
    Object markerValue = null;
    long markerId = 0;
    if (request.marker() != null) {
      Map<String, Object> marker =
          handle
              .createQuery(
                  String.format(
                      "SELECT %1$s.id AS id, %2$s AS k FROM %3$s %1$s WHERE %1$s.uuid = :u",
                      alias, sort, table))
              .bind("u", request.marker())
              .mapToMap()
              .findOne()
              .orElseThrow(
                  () ->
                      new InvalidParameterException(
                          "marker \"" + request.marker() + "\" is not a UUID of the listing"));
      markerValue = marker.get("k");
      markerId = ((Number) marker.get("id")).longValue();
      String cmp = request.descending() ? "<" : ">";
      where.add(
          String.format("(%1$s %2$s :mk OR (%1$s = :mk AND %3$s.id %2$s :mid))", sort, cmp, alias));
    }
    String dir = request.descending() ? " DESC" : " ASC";
    Query query =
        handle.createQuery(
            select
                + where
                + String.format(" ORDER BY %s%s, %s.id%s", sort, dir, alias, dir)
                + " LIMIT "
                + (request.limit() + 1));
    for (Filter filter : filters) {
      if (filter.value() != null) {
        query.bind(filter.name(), filter.value());
      }
    }
    if (request.marker() != null) {
      query.bind("mk", markerValue).bind("mid", markerId);
    }
    List<T> items = new ArrayList<>(query.map(mapper).list());
    String next = null;
    if (items.size() > request.limit()) {
      items.remove(items.size() - 1);
      next = uuidOf.apply(items.get(items.size() - 1));
    }
    return new Page<>(items, next);
  }
}
