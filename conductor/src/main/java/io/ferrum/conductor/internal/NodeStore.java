package io.ferrum.conductor.internal;

import io.ferrum.conductor.HistoryEvent;
import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeAttributes;
import io.ferrum.conductor.NodePage;
import io.ferrum.conductor.NodeQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL for nodes, their history and conductors. Every method takes the {@link Handle} to run on, so
 * callers decide what shares a transaction. Stateless and thread-safe.
 *
 * <p>The reservation is the node's exclusive lock: the holder's conductor name in {@code
 * reservation} and the holding task's own random token in {@code reservation_token}. It is taken
 * with a conditional update ({@code ... SET reservation = :me, reservation_token = :token WHERE id
 * = :id AND reservation IS NULL}), so exactly one of any number of racing conductors or threads
 * gets it, and every change made under it is guarded by {@code AND reservation_token = :token}: a
 * task whose lock was released, recovered or taken over can change nothing.
 *
 * <p>The statements every request runs (read one node, reserve, release, update, append history,
 * insert) use plain JDBC on the handle's connection with positional parameters: Jdbi's
 * per-statement binding and mapping machinery cost more than the statement itself on the embedded
 * database. The rest uses Jdbi. Either way the handle decides the transaction.
 */
public final class NodeStore {

  /** Columns {@link #update} may set; names come from code, never from users. */
  public static final Set<String> UPDATABLE =
      Set.of(
          "name",
          "driver",
          "driver_info",
          "driver_internal_info",
          "instance_info",
          "properties",
          "extra",
          "provision_state",
          "target_provision_state",
          "provision_updated_at",
          "power_state",
          "target_power_state",
          "last_error",
          "maintenance",
          "maintenance_reason",
          "fault",
          "conductor_affinity",
          "conductor_group",
          "deadline_at",
          "instance_uuid",
          "allocation_uuid",
          "target_raid_config",
          "raid_config");

  private static final Set<String> TIMESTAMP_COLUMNS =
      Set.of("provision_updated_at", "deadline_at");

  private static final Set<String> JSON_COLUMNS =
      Set.of(
          "driver_info",
          "driver_internal_info",
          "instance_info",
          "properties",
          "extra",
          "target_raid_config",
          "raid_config");

  private static final Map<String, String> SORT_KEYS =
      Map.of(
          "id", "id",
          "uuid", "uuid",
          "name", "name",
          "created_at", "created_at",
          "provision_state", "provision_state",
          "driver", "driver");

  /** The node columns in the order {@link #node} reads them by index. */
  private static final String NODE_COLUMNS =
      "id, uuid, name, driver, driver_info, driver_internal_info, instance_info, properties,"
          + " extra, provision_state, target_provision_state, provision_updated_at, power_state,"
          + " target_power_state, reservation, last_error, maintenance, maintenance_reason, fault,"
          + " conductor_affinity, created_at, updated_at, version, conductor_group, "
          + NodeAttributeColumns.SELECT
          + ", instance_uuid, allocation_uuid, target_raid_config, raid_config";

  private NodeStore() {}

  /**
   * Inserts a node and returns it as stored, without reading it back.
   *
   * @throws org.jdbi.v3.core.JdbiException on a unique-key clash (SQL state {@value
   *     #UNIQUE_VIOLATION}) as on any database failure
   */
  public static Node insert(
      Handle handle,
      String uuid,
      String name,
      String driver,
      Map<String, Object> driverInfo,
      Map<String, Object> instanceInfo,
      Map<String, Object> properties,
      Map<String, Object> extra,
      String provisionState,
      NodeAttributes attributes,
      String conductorGroup,
      Instant now) {
    String driverInfoJson = Json.write(driverInfo);
    String instanceInfoJson = Json.write(instanceInfo);
    String propertiesJson = Json.write(properties);
    String extraJson = Json.write(extra);
    Map<String, Object> attributeColumns = NodeAttributeColumns.columns(attributes);
    long id;
    try (PreparedStatement insert =
        handle
            .getConnection()
            .prepareStatement(
                "INSERT INTO nodes (uuid, name, driver, driver_info, driver_internal_info,"
                    + " instance_info, properties, extra, provision_state, provision_updated_at,"
                    + " maintenance, created_at, version, conductor_group, "
                    + NodeAttributeColumns.SELECT
                    + ") VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, FALSE, ?, 0, ?"
                    + ", ?".repeat(attributeColumns.size())
                    + ")",
                new String[] {"id"})) {
      insert.setString(1, uuid);
      setString(insert, 2, name);
      insert.setString(3, driver);
      insert.setString(4, driverInfoJson);
      insert.setString(5, instanceInfoJson);
      insert.setString(6, propertiesJson);
      insert.setString(7, extraJson);
      insert.setString(8, provisionState);
      Sql.setInstant(insert, 9, now);
      Sql.setInstant(insert, 10, now);
      insert.setString(11, conductorGroup);
      int i = 12;
      for (Map.Entry<String, Object> column : attributeColumns.entrySet()) {
        bind(insert, i++, column.getKey(), column.getValue());
      }
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        id = keys.getLong(1);
      }
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
    // As stored and read back: JSON types (a Long that fits becomes an Integer, ...).
    return new Node(
        id,
        uuid,
        name,
        driver,
        Json.readMap(driverInfoJson),
        Map.of(),
        Json.readMap(instanceInfoJson),
        Json.readMap(propertiesJson),
        Json.readMap(extraJson),
        provisionState,
        null,
        now,
        null,
        null,
        null,
        null,
        false,
        null,
        null,
        null,
        now,
        null,
        0,
        conductorGroup,
        attributes,
        null,
        null,
        null,
        null);
  }

  /** SQL state of a unique-key violation, on both databases. */
  public static final String UNIQUE_VIOLATION = "23505";

  /** The node with {@code uuid}. */
  public static Optional<Node> findByUuid(Handle handle, String uuid) {
    return findOne(handle, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE uuid = ?", uuid);
  }

  /** The node called {@code name}. */
  public static Optional<Node> findByName(Handle handle, String name) {
    return findOne(handle, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE name = ?", name);
  }

  /** The node with database id {@code id}. */
  public static Optional<Node> findById(Handle handle, long id) {
    return findOne(handle, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE id = ?", id);
  }

  /** The one node {@code sql} (selecting {@link #NODE_COLUMNS}) finds with {@code key}. */
  private static Optional<Node> findOne(Handle handle, String sql, Object key) {
    try (PreparedStatement select = prepare(handle, sql, key);
        ResultSet rs = select.executeQuery()) {
      return rs.next() ? Optional.of(node(rs)) : Optional.empty();
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  /**
   * {@code sql} prepared on the handle's connection with {@code params} bound in order, each a
   * {@link Long} or a non-null {@link String}.
   */
  private static PreparedStatement prepare(Handle handle, String sql, Object... params)
      throws SQLException {
    PreparedStatement statement = handle.getConnection().prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Long number) {
          statement.setLong(i + 1, number);
        } else {
          statement.setString(i + 1, (String) params[i]);
        }
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  /**
   * The nodes an allocation may take, as far as one query tells: of {@code resourceClass}, {@code
   * available}, outside maintenance, with a known power state that is not {@code error}, associated
   * with no instance or allocation; among {@code uuids} unless it is empty; owned or leased by
   * {@code owner} unless it is null. The caller checks the rest (traits) and claims one with a
   * conditional update.
   */
  public static List<Node> allocationCandidates(
      Handle handle, String resourceClass, List<String> uuids, String owner) {
    Query select =
        handle
            .createQuery(
                "SELECT "
                    + NODE_COLUMNS
                    + " FROM nodes WHERE resource_class = :rc AND provision_state = 'available'"
                    + " AND maintenance = FALSE AND power_state IS NOT NULL AND power_state <>"
                    + " 'error' AND instance_uuid IS NULL AND allocation_uuid IS NULL"
                    + (uuids.isEmpty() ? "" : " AND uuid IN (<uuids>)")
                    + (owner == null ? "" : " AND (owner = :owner OR lessee = :owner)")
                    + " ORDER BY id")
            .bind("rc", resourceClass);
    if (!uuids.isEmpty()) {
      select.bindList("uuids", uuids);
    }
    if (owner != null) {
      select.bind("owner", owner);
    }
    return select.map((rs, ctx) -> node(rs)).list();
  }

  /** A node's reservation as found by {@link #reservations}. */
  public record Reservation(long id, String uuid, Long token) {}

  /** Every reservation held under {@code conductor}'s name, by node id. */
  public static List<Reservation> reservations(Handle handle, String conductor) {
    return handle
        .createQuery(
            "SELECT id, uuid, reservation_token FROM nodes WHERE reservation = :me ORDER BY id")
        .bind("me", conductor)
        .map(
            (rs, ctx) ->
                new Reservation(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3, Long.class)))
        .list();
  }

  /**
   * One page of nodes. Every sort and filter is served by an index (schema V5): a page costs the
   * same whatever the size of the fleet.
   *
   * @throws InvalidParameterException for an unknown sort key, a bad limit, or an unknown marker
   */
  public static NodePage list(Handle handle, NodeQuery query) {
    Query select = listQuery(handle, query, "");
    List<Node> nodes = new ArrayList<>(select.map((rs, ctx) -> node(rs)).list());
    String next = null;
    if (nodes.size() > query.limit()) {
      nodes.remove(nodes.size() - 1);
      next = nodes.get(nodes.size() - 1).uuid();
    }
    return new NodePage(nodes, next);
  }

  /** The database's plan for {@link #list} (PostgreSQL's {@code EXPLAIN}), one line each. */
  public static List<String> explainList(Handle handle, NodeQuery query) {
    return listQuery(handle, query, "EXPLAIN ").mapTo(String.class).list();
  }

  /** The plan for {@link #list} as run, with PostgreSQL's row counts ({@code EXPLAIN ANALYZE}). */
  static List<String> explainAnalyzeList(Handle handle, NodeQuery query) {
    return listQuery(handle, query, "EXPLAIN ANALYZE ").mapTo(String.class).list();
  }

  private static boolean postgres(Handle handle) {
    try {
      return Dialect.of(handle.getConnection()) == Dialect.POSTGRESQL;
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  /**
   * A column the query filters by equality and that leads an index on {@code (column, id)}, if
   * there is one. Ordering by it before {@code id} changes nothing (it has one value), but lets H2
   * see that the index already returns rows in order: without it, H2 reads every matching row and
   * sorts them (hundreds of milliseconds per page at 100,000 nodes) where it could stop after one
   * page. PostgreSQL plans both forms alike.
   */
  private static Optional<String> leadingEquality(NodeQuery query) {
    if (query.provisionState() != null) {
      return Optional.of("provision_state");
    }
    if (query.driver() != null) {
      return Optional.of("driver");
    }
    if (query.maintenance() != null) {
      return Optional.of("maintenance");
    }
    if (query.conductorGroup() != null) {
      return Optional.of("conductor_group");
    }
    return Optional.empty();
  }

  private static Query listQuery(Handle handle, NodeQuery query, String prefix) {
    String sort = SORT_KEYS.get(query.sortKey() == null ? "id" : query.sortKey());
    if (sort == null) {
      throw new InvalidParameterException(
          "Unknown sort key \"" + query.sortKey() + "\"; use one of " + SORT_KEYS.keySet());
    }
    if (query.limit() < 1 || query.limit() > NodeQuery.MAX_LIMIT) {
      throw new InvalidParameterException(
          "limit must be between 1 and " + NodeQuery.MAX_LIMIT + ", not " + query.limit());
    }
    StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
    if (query.provisionState() != null) {
      where.add("provision_state = :state");
    }
    if (query.driver() != null) {
      where.add("driver = :driver");
    }
    if (query.maintenance() != null) {
      where.add("maintenance = :maintenance");
    }
    boolean descending = query.descending();
    // Only name may be NULL: nodes without a name come first in ascending order (last in
    // descending), as the index on (name NULLS FIRST, id) keeps them.
    boolean nullable = sort.equals("name");
    Map<String, String> attributeFilters = new java.util.LinkedHashMap<>();
    attributeFilters.put("resource_class", query.resourceClass());
    attributeFilters.put("owner", query.owner());
    attributeFilters.put("lessee", query.lessee());
    attributeFilters.put("conductor_group", query.conductorGroup());
    attributeFilters.values().removeIf(java.util.Objects::isNull);
    attributeFilters.keySet().forEach(column -> where.add(column + " = :" + column));
    Object markerValue = null;
    long markerId = 0;
    if (query.marker() != null) {
      Map<String, Object> marker =
          handle
              .createQuery("SELECT id, " + sort + " AS k FROM nodes WHERE uuid = :uuid")
              .bind("uuid", query.marker())
              .mapToMap()
              .findOne()
              .orElseThrow(
                  () ->
                      new InvalidParameterException(
                          "marker \"" + query.marker() + "\" is not the UUID of a node"));
      markerValue = marker.get("k");
      markerId = ((Number) marker.get("id")).longValue();
      // Keyset conditions an index can start from: a range on the sort key first, then the
      // tie-break on id (an OR alone would make the database walk every earlier row).
      String cmp = descending ? "<" : ">";
      String cmpOrEqual = descending ? "<=" : ">=";
      if (sort.equals("id")) {
        where.add("id " + cmp + " :mid");
      } else if (nullable && markerValue == null) {
        where.add(
            descending
                ? "(" + sort + " IS NULL AND id < :mid)"
                : "((" + sort + " IS NULL AND id > :mid) OR " + sort + " IS NOT NULL)");
      } else {
        // PostgreSQL starts an index scan at a row value; the expanded form makes it walk and
        // filter every row of the marker's key before it (all earlier pages, for a key such as
        // provision_state that most nodes share). H2 plans both alike and takes only this one.
        String after =
            postgres(handle)
                ? "(" + sort + ", id) " + cmp + " (:mk, :mid)"
                : sort
                    + " "
                    + cmpOrEqual
                    + " :mk AND ("
                    + sort
                    + " "
                    + cmp
                    + " :mk OR id "
                    + cmp
                    + " :mid)";
        where.add(nullable && descending ? "((" + after + ") OR " + sort + " IS NULL)" : after);
      }
    }
    String dir = descending ? " DESC" : " ASC";
    String nulls = nullable ? (descending ? " NULLS LAST" : " NULLS FIRST") : "";
    Query select =
        handle.createQuery(
            prefix
                + "SELECT "
                + NODE_COLUMNS
                + " FROM nodes"
                + where
                + " ORDER BY "
                + (sort.equals("id")
                    ? leadingEquality(query).map(column -> column + dir + ", ").orElse("")
                        + "id"
                        + dir
                    : sort + dir + nulls + ", id" + dir)
                + " LIMIT "
                + (query.limit() + 1));
    if (query.provisionState() != null) {
      select.bind("state", query.provisionState());
    }
    if (query.driver() != null) {
      select.bind("driver", query.driver());
    }
    if (query.maintenance() != null) {
      select.bind("maintenance", query.maintenance());
    }
    attributeFilters.forEach(select::bind);
    if (query.marker() != null) {
      if (!sort.equals("id") && !(nullable && markerValue == null)) {
        select.bind("mk", markerValue);
      }
      select.bind("mid", markerId);
    }
    return select;
  }

  /** Node counts per value of {@code provision_state} or {@code power_state}. */
  public static Map<String, Long> countBy(Handle handle, String column) {
    if (!column.equals("provision_state") && !column.equals("power_state")) {
      throw new IllegalArgumentException("cannot count nodes by " + column);
    }
    Map<String, Long> counts = new java.util.TreeMap<>();
    handle
        .createQuery("SELECT " + column + " AS v, COUNT(*) AS n FROM nodes GROUP BY " + column)
        .map((rs, ctx) -> Map.entry(String.valueOf(rs.getString("v")), rs.getLong("n")))
        .forEach(e -> counts.put(e.getKey().equals("null") ? "none" : e.getKey(), e.getValue()));
    return counts;
  }

  /**
   * Ids of unreserved nodes whose last work started on {@code conductor} and that were left
   * mid-work: resting in one of {@code workingStates}, or with a power change pending. Only a job
   * holding the reservation puts a node there, so no job is behind these any more.
   */
  public static List<Long> stranded(Handle handle, String conductor, List<String> workingStates) {
    return handle
        .createQuery(
            "SELECT id FROM nodes WHERE reservation IS NULL AND conductor_affinity = :me"
                + " AND (provision_state IN (<states>) OR target_power_state IS NOT NULL)"
                + " ORDER BY id")
        .bind("me", conductor)
        .bindList("states", workingStates)
        .mapTo(Long.class)
        .list();
  }

  /**
   * What the power sync reads of a node: just what a power read and the comparison need, its JSON
   * documents still unparsed (a batch in flight costs little memory).
   */
  public record SyncCandidate(
      long id,
      String uuid,
      String name,
      String driver,
      String conductorGroup,
      String provisionState,
      String powerState,
      String driverInfoJson,
      String instanceInfoJson,
      String propertiesJson) {

    public Map<String, Object> driverInfo() {
      return Json.readMap(driverInfoJson);
    }

    public Map<String, Object> instanceInfo() {
      return Json.readMap(instanceInfoJson);
    }

    public Map<String, Object> properties() {
      return Json.readMap(propertiesJson);
    }

    /** A label for messages: the name if there is one, else the UUID. */
    public String label() {
      return name != null ? name : uuid;
    }
  }

  /**
   * The next {@code limit} nodes after id {@code afterId} that the power sync looks at: unreserved,
   * outside maintenance, with no power change in progress, and not in {@code excluded} provision
   * states; in id order, so a sweep walks the table in batches by its primary key.
   */
  public static List<SyncCandidate> powerSyncBatch(
      Handle handle, List<String> excluded, long afterId, int limit) {
    // "ORDER BY maintenance, id" is "ORDER BY id" (maintenance is FALSE here), said so that H2
    // sees the (maintenance, id) index it reads already gives that order: otherwise it reads every
    // later node and sorts them for each batch, and a sweep of 100,000 nodes spends minutes of CPU
    // on it (see leadingEquality).
    return powerSyncQuery(handle, "", excluded, afterId, limit)
        .map(
            (rs, ctx) ->
                new SyncCandidate(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8),
                    rs.getString(9),
                    rs.getString(10)))
        .list();
  }

  private static Query powerSyncQuery(
      Handle handle, String prefix, List<String> excluded, long afterId, int limit) {
    return handle
        .createQuery(
            prefix
                + "SELECT id, uuid, name, driver, conductor_group, provision_state, power_state,"
                + " driver_info, instance_info, properties FROM nodes WHERE id > :after AND"
                + " reservation IS NULL AND maintenance = FALSE AND target_power_state IS NULL"
                + " AND provision_state NOT IN (<excluded>) ORDER BY maintenance, id LIMIT "
                + limit)
        .bind("after", afterId)
        .bindList("excluded", excluded);
  }

  /** The database's plan for {@link #powerSyncBatch}, one line each. */
  static List<String> explainPowerSyncBatch(
      Handle handle, List<String> excluded, long afterId, int limit) {
    return powerSyncQuery(handle, "EXPLAIN ", excluded, afterId, limit).mapTo(String.class).list();
  }

  /** A node whose wait deadline has passed, as {@link #expired} finds it. */
  public record Expired(String uuid, String conductorGroup, String driver) {}

  /** Unreserved nodes outside maintenance whose wait deadline has passed, oldest deadline first. */
  public static List<Expired> expired(Handle handle, Instant now) {
    return handle
        .createQuery(
            "SELECT uuid, conductor_group, driver FROM nodes WHERE deadline_at <= :now AND"
                + " reservation IS NULL AND maintenance = FALSE ORDER BY deadline_at")
        .bind("now", Sql.timestamp(now))
        .map((rs, ctx) -> new Expired(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /** The node's wait deadline, or {@code null}. */
  public static Instant deadline(Handle handle, long id) {
    return handle
        .createQuery("SELECT deadline_at FROM nodes WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> Sql.instant(rs, 1))
        .findOne()
        .orElse(null);
  }

  /** Takes the node's reservation for {@code conductor} with {@code token}, if nobody holds it. */
  public static boolean reserve(Handle handle, long id, String conductor, long token) {
    return executeUpdate(
            handle,
            "UPDATE nodes SET reservation = ?, reservation_token = ? WHERE id = ?"
                + " AND reservation IS NULL",
            conductor,
            token,
            id)
        == 1;
  }

  /**
   * Moves a reservation held under {@code holder} with {@code oldToken} ({@code null}: a
   * reservation written before tokens existed) to {@code newHolder} with {@code newToken}: the old
   * holder is fenced out.
   */
  public static boolean takeOver(
      Handle handle, long id, String holder, Long oldToken, String newHolder, long newToken) {
    return oldToken == null
        ? executeUpdate(
                handle,
                "UPDATE nodes SET reservation = ?, reservation_token = ? WHERE id = ?"
                    + " AND reservation = ? AND reservation_token IS NULL",
                newHolder,
                newToken,
                id,
                holder)
            == 1
        : executeUpdate(
                handle,
                "UPDATE nodes SET reservation = ?, reservation_token = ? WHERE id = ?"
                    + " AND reservation = ? AND reservation_token = ?",
                newHolder,
                newToken,
                id,
                holder,
                oldToken)
            == 1;
  }

  /** Gives the reservation back, if the task with {@code token} still holds it. */
  public static boolean release(Handle handle, long id, long token) {
    return executeUpdate(
            handle,
            "UPDATE nodes SET reservation = NULL, reservation_token = NULL WHERE id = ?"
                + " AND reservation_token = ?",
            id,
            token)
        == 1;
  }

  /** The token of the task holding the node, or {@code null} when none does (or it is gone). */
  public static Long tokenOf(Handle handle, long id) {
    try (PreparedStatement select =
            prepare(handle, "SELECT reservation_token FROM nodes WHERE id = ?", id);
        ResultSet rs = select.executeQuery()) {
      return rs.next() ? (Long) rs.getObject(1, Long.class) : null;
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  /** Runs an update with {@code params} (see {@link #prepare}); returns the rows it changed. */
  private static int executeUpdate(Handle handle, String sql, Object... params) {
    try (PreparedStatement update = prepare(handle, sql, params)) {
      return update.executeUpdate();
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  /**
   * Sets {@code columns} (names from {@link #UPDATABLE}), bumps {@code version} and {@code
   * updated_at}; only while the task with {@code token} holds the node, unless it is {@code null}.
   * With {@code release}, the same statement gives the reservation back.
   *
   * @return whether the node was updated (false: gone, or no longer held with {@code token})
   */
  public static boolean update(
      Handle handle,
      long id,
      Long token,
      Map<String, Object> columns,
      Instant now,
      boolean release) {
    StringBuilder sql = new StringBuilder("UPDATE nodes SET ");
    for (String column : columns.keySet()) {
      if (!UPDATABLE.contains(column) && !NodeAttributeColumns.NAMES.contains(column)) {
        throw new IllegalArgumentException("not an updatable column: " + column);
      }
      sql.append(column).append(" = ?, ");
    }
    if (release) {
      sql.append("reservation = NULL, reservation_token = NULL, ");
    }
    sql.append("updated_at = ?, version = version + 1 WHERE id = ?");
    if (token != null) {
      sql.append(" AND reservation_token = ?");
    }
    try (PreparedStatement update = handle.getConnection().prepareStatement(sql.toString())) {
      int i = 1;
      for (Map.Entry<String, Object> entry : columns.entrySet()) {
        bind(update, i++, entry.getKey(), entry.getValue());
      }
      Sql.setInstant(update, i++, now);
      update.setLong(i++, id);
      if (token != null) {
        update.setLong(i, token);
      }
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  /** Binds {@code value} of {@code column} as that column stores it. */
  @SuppressWarnings("unchecked")
  private static void bind(PreparedStatement statement, int i, String column, Object value)
      throws SQLException {
    if (JSON_COLUMNS.contains(column)) {
      statement.setString(i, Json.write((Map<String, Object>) value));
    } else if (column.equals("traits")) {
      statement.setString(i, Json.writeStrings((List<String>) value));
    } else if (TIMESTAMP_COLUMNS.contains(column)
        || NodeAttributeColumns.TIMESTAMPS.contains(column)) {
      Sql.setInstant(statement, i, (Instant) value);
    } else if (value instanceof Boolean flag) {
      statement.setBoolean(i, flag);
    } else {
      setString(statement, i, (String) value);
    }
  }

  /**
   * {@code node} as {@link #update} leaves it after setting {@code columns} at {@code now}: the
   * snapshot a writer keeps instead of reading the row back.
   */
  @SuppressWarnings("unchecked")
  public static Node applied(Node node, Map<String, Object> columns, Instant now) {
    Map<String, Object> c = new java.util.HashMap<>(columns);
    for (String json : JSON_COLUMNS) {
      if (c.containsKey(json)) {
        // As stored and read back: JSON types (a Long that fits becomes an Integer, ...).
        c.put(json, Json.readMap(Json.write((Map<String, Object>) c.get(json))));
      }
    }
    return new Node(
        node.id(),
        node.uuid(),
        c.containsKey("name") ? (String) c.get("name") : node.name(),
        c.containsKey("driver") ? (String) c.get("driver") : node.driver(),
        c.containsKey("driver_info")
            ? (Map<String, Object>) c.get("driver_info")
            : node.driverInfo(),
        c.containsKey("driver_internal_info")
            ? (Map<String, Object>) c.get("driver_internal_info")
            : node.driverInternalInfo(),
        c.containsKey("instance_info")
            ? (Map<String, Object>) c.get("instance_info")
            : node.instanceInfo(),
        c.containsKey("properties") ? (Map<String, Object>) c.get("properties") : node.properties(),
        c.containsKey("extra") ? (Map<String, Object>) c.get("extra") : node.extra(),
        c.containsKey("provision_state")
            ? (String) c.get("provision_state")
            : node.provisionState(),
        c.containsKey("target_provision_state")
            ? (String) c.get("target_provision_state")
            : node.targetProvisionState(),
        c.containsKey("provision_updated_at")
            ? (Instant) c.get("provision_updated_at")
            : node.provisionUpdatedAt(),
        c.containsKey("power_state") ? (String) c.get("power_state") : node.powerState(),
        c.containsKey("target_power_state")
            ? (String) c.get("target_power_state")
            : node.targetPowerState(),
        node.reservation(),
        c.containsKey("last_error") ? (String) c.get("last_error") : node.lastError(),
        c.containsKey("maintenance") ? (Boolean) c.get("maintenance") : node.maintenance(),
        c.containsKey("maintenance_reason")
            ? (String) c.get("maintenance_reason")
            : node.maintenanceReason(),
        c.containsKey("fault") ? (String) c.get("fault") : node.fault(),
        c.containsKey("conductor_affinity")
            ? (String) c.get("conductor_affinity")
            : node.conductorAffinity(),
        node.createdAt(),
        now,
        node.version() + 1,
        c.containsKey("conductor_group")
            ? (String) c.get("conductor_group")
            : node.conductorGroup(),
        NodeAttributeColumns.applied(node.attributes(), c),
        c.containsKey("instance_uuid") ? (String) c.get("instance_uuid") : node.instanceUuid(),
        c.containsKey("allocation_uuid")
            ? (String) c.get("allocation_uuid")
            : node.allocationUuid(),
        c.containsKey("target_raid_config")
            ? (Map<String, Object>) c.get("target_raid_config")
            : node.targetRaidConfig(),
        c.containsKey("raid_config")
            ? (Map<String, Object>) c.get("raid_config")
            : node.raidConfig());
  }

  /**
   * Takes the reservation of the node whose {@code column} ({@code uuid} or {@code name}) is {@code
   * value}, if nobody holds it, and returns the node as now stored.
   */
  public static Optional<Node> reserveBy(
      Handle handle, Dialect dialect, String column, String value, String me, long token) {
    if (!column.equals("uuid") && !column.equals("name")) {
      throw new IllegalArgumentException("not a node key: " + column);
    }
    String update =
        "UPDATE nodes SET reservation = ?, reservation_token = ? WHERE "
            + column
            + " = ? AND reservation IS NULL";
    // One statement: the updated row comes back with the update.
    String sql =
        switch (dialect) {
          case H2 -> "SELECT " + NODE_COLUMNS + " FROM FINAL TABLE (" + update + ")";
          case POSTGRESQL -> update + " RETURNING " + NODE_COLUMNS;
        };
    try (PreparedStatement reserve = prepare(handle, sql, me, token, value);
        ResultSet rs = reserve.executeQuery()) {
      return rs.next() ? Optional.of(node(rs)) : Optional.empty();
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  /** Deletes the node (its history goes with it) if the task with {@code token} holds it. */
  public static boolean delete(Handle handle, long id, long token) {
    return executeUpdate(
            handle, "DELETE FROM nodes WHERE id = ? AND reservation_token = ?", id, token)
        == 1;
  }

  /** Appends a history row. */
  public static void insertHistory(Handle handle, long nodeId, HistoryEvent event) {
    try (PreparedStatement insert =
        handle
            .getConnection()
            .prepareStatement(
                "INSERT INTO node_history (uuid, node_id, conductor, event_type, event,"
                    + " from_state, to_state, target_state, severity, message, exception_class,"
                    + " duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, event.uuid());
      insert.setLong(2, nodeId);
      setString(insert, 3, event.conductor());
      insert.setString(4, event.eventType());
      setString(insert, 5, event.event());
      setString(insert, 6, event.fromState());
      setString(insert, 7, event.toState());
      setString(insert, 8, event.targetState());
      insert.setString(9, event.severity());
      setString(insert, 10, event.message());
      setString(insert, 11, event.exceptionClass());
      if (event.durationMillis() == null) {
        insert.setNull(12, Types.BIGINT);
      } else {
        insert.setLong(12, event.durationMillis());
      }
      Sql.setInstant(insert, 13, event.createdAt());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw Sql.failure(e);
    }
  }

  private static void setString(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  /** The node's history, oldest first. */
  public static List<HistoryEvent> history(Handle handle, long nodeId) {
    return handle
        .createQuery("SELECT * FROM node_history WHERE node_id = :node ORDER BY id")
        .bind("node", nodeId)
        .map(
            (rs, ctx) ->
                new HistoryEvent(
                    rs.getString("uuid"),
                    rs.getString("conductor"),
                    rs.getString("event_type"),
                    rs.getString("event"),
                    rs.getString("from_state"),
                    rs.getString("to_state"),
                    rs.getString("target_state"),
                    rs.getString("severity"),
                    rs.getString("message"),
                    rs.getString("exception_class"),
                    (Long) rs.getObject("duration_ms", Long.class),
                    Sql.instant(rs, "created_at")))
        .list();
  }

  /** Reads a row selected with {@link #NODE_COLUMNS}, by index (cheaper than by label). */
  private static Node node(ResultSet rs) throws SQLException {
    return new Node(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Json.readMap(rs.getString(5)),
        Json.readMap(rs.getString(6)),
        Json.readMap(rs.getString(7)),
        Json.readMap(rs.getString(8)),
        Json.readMap(rs.getString(9)),
        rs.getString(10),
        rs.getString(11),
        Sql.instant(rs, 12),
        rs.getString(13),
        rs.getString(14),
        rs.getString(15),
        rs.getString(16),
        rs.getBoolean(17),
        rs.getString(18),
        rs.getString(19),
        rs.getString(20),
        Sql.instant(rs, 21),
        Sql.instant(rs, 22),
        rs.getLong(23),
        rs.getString(24),
        NodeAttributeColumns.read(rs, 25),
        rs.getString(25 + NodeAttributeColumns.NAMES.size()),
        rs.getString(26 + NodeAttributeColumns.NAMES.size()),
        Json.readMap(rs.getString(27 + NodeAttributeColumns.NAMES.size())),
        Json.readMap(rs.getString(28 + NodeAttributeColumns.NAMES.size())));
  }
}
