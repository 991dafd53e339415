package io.ferrum.conductor.internal;

import io.ferrum.conductor.Allocation;
import io.ferrum.conductor.AllocationQuery;
import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * SQL for allocations and for the allocation columns of nodes ({@code instance_uuid}, {@code
 * allocation_uuid}). Every method takes the {@link Handle} to run on, so callers decide what shares
 * a transaction. Stateless and thread-safe.
 *
 * <p>A node is claimed with one conditional update ({@link #claimNode}) that succeeds only while
 * the node is still free, unreserved and unchanged since the caller checked it (its {@code version}
 * is the one read): of any number of allocations racing for one node, on any number of conductors,
 * exactly one update matches the row. The unique key on {@code allocations.node_id} stands behind
 * it.
 */
public final class AllocationStore {

  private static final String ALLOCATING = Allocation.ALLOCATING;
  private static final String ACTIVE = Allocation.ACTIVE;
  private static final String ERROR = Allocation.ERROR;

  private static final Map<String, String> SORT_KEYS =
      Map.of(
          "id", "a.id",
          "uuid", "a.uuid",
          "name", "COALESCE(a.name, '')",
          "state", "a.state",
          "resource_class", "a.resource_class",
          "owner", "COALESCE(a.owner, '')",
          "created_at", "a.created_at",
          "updated_at", "COALESCE(a.updated_at, a.created_at)");

  private static final String SELECT =
      "SELECT a.id, a.uuid, a.name, n.uuid AS node_uuid, a.node_id, a.state, a.last_error,"
          + " a.resource_class, a.traits, a.candidate_nodes, a.owner, a.extra,"
          + " a.conductor_affinity, a.created_at, a.updated_at FROM allocations a"
          + " LEFT JOIN nodes n ON n.id = a.node_id";

  private static final Paging ALLOCATIONS =
      new Paging(
          SELECT,
          "allocations",
          "a",
          // Sorted, so that an unknown key's message lists the keys in order.
          Collections.unmodifiableMap(new TreeMap<>(SORT_KEYS)),
          AllocationQuery.MAX_LIMIT);

  private AllocationStore() {}

  /**
   * An allocation row: the allocation, its database id, its node's database id (or null) and the
   * conductor processing it (or that last did).
   */
  public record Row(long id, Long nodeId, String conductor, Allocation allocation) {}

  /** An allocation still being processed, as {@link #allocating} finds it. */
  public record Pending(long id, String uuid, String conductor) {}

  /** Inserts an allocation in state {@code allocating}, processed by {@code conductor}. */
  public static long insert(
      Handle handle,
      String uuid,
      String name,
      String resourceClass,
      List<String> traits,
      List<String> candidateNodes,
      String owner,
      Map<String, Object> extra,
      String conductor,
      Instant now) {
    return handle
        .createUpdate(
            "INSERT INTO allocations (uuid, name, state, resource_class, traits, candidate_nodes,"
                + " owner, extra, conductor_affinity, created_at) VALUES (:uuid, :name, :state,"
                + " :rc, :traits, :candidates, :owner, :extra, :conductor, :now)")
        .bind("uuid", uuid)
        .bind("name", name)
        .bind("state", ALLOCATING)
        .bind("rc", resourceClass)
        .bind("traits", Json.writeStrings(traits))
        .bind("candidates", Json.writeStrings(candidateNodes))
        .bind("owner", owner)
        .bind("extra", Json.write(extra))
        .bind("conductor", conductor)
        .bind("now", Sql.timestamp(now))
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  /** The allocation whose {@code column} ({@code uuid} or {@code name}) is {@code value}. */
  public static Optional<Row> find(Handle handle, String column, String value) {
    if (!column.equals("uuid") && !column.equals("name")) {
      throw new IllegalArgumentException("not an allocation key: " + column);
    }
    return handle
        .createQuery(SELECT + " WHERE a." + column + " = :v")
        .bind("v", value)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** The allocation with database id {@code id}. */
  public static Optional<Row> findById(Handle handle, long id) {
    return handle
        .createQuery(SELECT + " WHERE a.id = :id")
        .bind("id", id)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** The allocation of the node with database id {@code nodeId}, as the node refers to it. */
  public static Optional<Row> ofNode(Handle handle, long nodeId) {
    return handle
        .createQuery(SELECT + " WHERE a.node_id = :node AND n.allocation_uuid = a.uuid")
        .bind("node", nodeId)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /**
   * The UUIDs of the nodes {@code idents} name, keyed by the ident as stored (a UUID in lower case,
   * or a name); idents that name no node are absent.
   */
  public static Map<String, String> nodeUuids(Handle handle, List<String> idents) {
    List<String> keys = new ArrayList<>();
    for (String ident : idents) {
      keys.add(ident.toLowerCase(java.util.Locale.ROOT));
      keys.add(ident);
    }
    Map<String, String> found = new java.util.HashMap<>();
    handle
        .createQuery("SELECT uuid, name FROM nodes WHERE uuid IN (<keys>) OR name IN (<keys>)")
        .bindList("keys", keys)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .forEach(
            pair -> {
              found.put(pair[0], pair[0]);
              if (pair[1] != null) {
                found.put(pair[1], pair[0]);
              }
            });
    return found;
  }

  /** Every allocation still in state {@code allocating}, oldest first. */
  public static List<Pending> allocating(Handle handle) {
    return handle
        .createQuery(
            "SELECT id, uuid, conductor_affinity FROM allocations WHERE state = :s ORDER BY id")
        .bind("s", ALLOCATING)
        .map((rs, ctx) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /**
   * Hands an allocation still being processed by {@code from} ({@code null}: nobody) to {@code to}.
   *
   * @return whether it was still {@code from}'s and still {@code allocating}
   */
  public static boolean takeOver(Handle handle, long id, String from, String to, Instant now) {
    return handle
            .createUpdate(
                "UPDATE allocations SET conductor_affinity = :to, updated_at = :now WHERE id = :id"
                    + " AND state = :s AND "
                    + (from == null ? "conductor_affinity IS NULL" : "conductor_affinity = :from"))
            .bind("to", to)
            .bind("from", from)
            .bind("now", Sql.timestamp(now))
            .bind("id", id)
            .bind("s", ALLOCATING)
            .execute()
        == 1;
  }

  /**
   * Claims node {@code nodeId} for allocation {@code allocationUuid}: sets the node's {@code
   * allocation_uuid} and {@code instance_uuid} to it, only if the node is still at {@code version},
   * unreserved, {@code available}, outside maintenance and associated with nothing.
   *
   * @return whether the node was claimed
   */
  public static boolean claimNode(
      Handle handle, long nodeId, long version, String allocationUuid, Instant now) {
    return handle
            .createUpdate(
                "UPDATE nodes SET allocation_uuid = :a, instance_uuid = :a, updated_at = :now,"
                    + " version = version + 1 WHERE id = :id AND version = :v AND reservation IS"
                    + " NULL AND allocation_uuid IS NULL AND instance_uuid IS NULL AND"
                    + " provision_state = 'available' AND maintenance = FALSE")
            .bind("a", allocationUuid)
            .bind("now", Sql.timestamp(now))
            .bind("id", nodeId)
            .bind("v", version)
            .execute()
        == 1;
  }

  /**
   * Makes an allocation {@code active} on node {@code nodeId}, only while it is still {@code
   * allocating} and processed by {@code conductor}.
   *
   * @return whether it was
   */
  public static boolean activate(
      Handle handle, long id, long nodeId, String conductor, Instant now) {
    return finish(handle, id, nodeId, ACTIVE, null, conductor, now);
  }

  /**
   * Puts an allocation in state {@code error} with {@code lastError}, only while it is still {@code
   * allocating} and processed by {@code conductor}.
   *
   * @return whether it was
   */
  public static boolean fail(
      Handle handle, long id, String conductor, String lastError, Instant now) {
    return finish(handle, id, null, ERROR, lastError, conductor, now);
  }

  /**
   * Ends the processing of an allocation still {@code allocating} and processed by {@code
   * conductor}: sets its node ({@code null}: none), its {@code state} and {@code lastError}.
   */
  private static boolean finish(
      Handle handle,
      long id,
      Long nodeId,
      String state,
      String lastError,
      String conductor,
      Instant now) {
    return handle
            .createUpdate(
                "UPDATE allocations SET node_id = :node, state = :state, last_error = :err,"
                    + " updated_at = :now WHERE id = :id AND state = :allocating AND"
                    + " conductor_affinity = :me")
            .bind("node", nodeId)
            .bind("state", state)
            .bind("err", lastError)
            .bind("now", Sql.timestamp(now))
            .bind("id", id)
            .bind("allocating", ALLOCATING)
            .bind("me", conductor)
            .execute()
        == 1;
  }

  /** Sets an allocation's {@code name} and {@code extra}. */
  public static boolean update(
      Handle handle, long id, String name, Map<String, Object> extra, Instant now) {
    return handle
            .createUpdate(
                "UPDATE allocations SET name = :name, extra = :extra, updated_at = :now"
                    + " WHERE id = :id")
            .bind("name", name)
            .bind("extra", Json.write(extra))
            .bind("now", Sql.timestamp(now))
            .bind("id", id)
            .execute()
        == 1;
  }

  /**
   * Deletes an allocation that has no node.
   *
   * @return whether it was deleted (false: gone, or it got a node meanwhile)
   */
  public static boolean deleteUnattached(Handle handle, long id) {
    return handle
            .createUpdate("DELETE FROM allocations WHERE id = :id AND node_id IS NULL")
            .bind("id", id)
            .execute()
        == 1;
  }

  /**
   * Deletes the allocation of node {@code nodeId} and frees the node ({@code allocation_uuid} and
   * {@code instance_uuid} cleared), while the task with {@code token} holds the node.
   *
   * @return whether both happened (false: the node is no longer held with {@code token}, or the
   *     allocation is no longer the node's)
   */
  public static boolean detach(
      Handle handle, long id, String uuid, long nodeId, long token, Instant now) {
    int freed =
        handle
            .createUpdate(
                "UPDATE nodes SET allocation_uuid = NULL, instance_uuid = NULL, updated_at = :now,"
                    + " version = version + 1 WHERE id = :node AND allocation_uuid = :a AND"
                    + " reservation_token = :token")
            .bind("now", Sql.timestamp(now))
            .bind("node", nodeId)
            .bind("a", uuid)
            .bind("token", token)
            .execute();
    if (freed != 1) {
      return false;
    }
    return handle
            .createUpdate("DELETE FROM allocations WHERE id = :id AND node_id = :node")
            .bind("id", id)
            .bind("node", nodeId)
            .execute()
        == 1;
  }

  private static final String DETACHED =
      "DELETE FROM allocations WHERE state = '"
          + ACTIVE
          + "' AND node_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id ="
          + " allocations.node_id AND n.allocation_uuid = allocations.uuid)";

  /**
   * Deletes every {@code active} allocation its node no longer refers to (the node was torn down):
   * a claim sets both sides in one transaction, so no other allocation matches.
   *
   * @return how many were deleted
   */
  public static int deleteDetached(Handle handle) {
    return handle.createUpdate(DETACHED).execute();
  }

  /** {@link #deleteDetached(Handle)} for allocation {@code uuid} only. */
  public static boolean deleteDetached(Handle handle, String uuid) {
    return handle.createUpdate(DETACHED + " AND uuid = :u").bind("u", uuid).execute() == 1;
  }

  /** {@link #deleteDetached(Handle)} for the allocations of node {@code nodeId} only. */
  public static int deleteDetached(Handle handle, long nodeId) {
    return handle.createUpdate(DETACHED + " AND node_id = :n").bind("n", nodeId).execute();
  }

  /**
   * One page of allocations; {@code nodeId} may be null.
   *
   * @throws InvalidParameterException for an unknown sort key, a bad limit, or an unknown marker
   */
  public static Page<Allocation> list(Handle handle, AllocationQuery query, Long nodeId) {
    return ALLOCATIONS.page(
        handle,
        new Paging.Request(query.sortKey(), query.limit(), query.marker(), query.descending()),
        List.of(
            new Paging.Filter("a.node_id = :node", "node", nodeId),
            new Paging.Filter("a.resource_class = :rc", "rc", query.resourceClass()),
            new Paging.Filter("a.state = :state", "state", query.state()),
            new Paging.Filter("a.owner = :owner", "owner", query.owner())),
        (rs, ctx) -> row(rs).allocation(),
        Allocation::uuid);
  }

  private static Row row(ResultSet rs) throws SQLException {
    long nodeId = rs.getLong("node_id");
    Long node = rs.wasNull() ? null : nodeId;
    return new Row(
        rs.getLong("id"),
        node,
        rs.getString("conductor_affinity"),
        new Allocation(
            rs.getString("uuid"),
            rs.getString("name"),
            rs.getString("node_uuid"),
            rs.getString("state"),
            rs.getString("last_error"),
            rs.getString("resource_class"),
            Json.readStrings(rs.getString("traits")),
            Json.readStrings(rs.getString("candidate_nodes")),
            rs.getString("owner"),
            Json.readMap(rs.getString("extra")),
            Sql.instant(rs, "created_at"),
            Sql.instant(rs, "updated_at")));
  }
}
