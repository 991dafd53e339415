package io.ferrum.conductor.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * SQL for bulk requests and their per-node results. Every method takes the {@link Handle} to run
 * on, so callers decide what shares a transaction. A result is written once: every write of a
 * result applies only while it is still {@code pending}, so the first writer wins. Stateless and
 * thread-safe.
 */
public final class BulkStore {

  /** A result no one has written yet. */
  public static final String PENDING = "pending";

  private static final String NODE_COLUMNS =
      "n.id, n.seq, n.ident, n.node_uuid, n.state, n.target, n.result, n.error";

  private BulkStore() {}

  /** A request as stored. */
  public record Request(
      long id,
      String uuid,
      String verb,
      String conductor,
      String instanceId,
      int nodeCount,
      Instant createdAt) {}

  /** One node's row of a request. */
  public record NodeRow(
      long id,
      int seq,
      String ident,
      String nodeUuid,
      String state,
      String target,
      String result,
      String error) {}

  /** A pending node row with what the settling pass needs of its request. */
  public record Pending(
      NodeRow row, String requestUuid, String verb, String conductor, String instanceId) {}

  /**
   * Inserts a request and one pending row per ident, in order.
   *
   * @return the rows' ids, in the order of {@code idents}
   */
  public static List<Long> insert(
      Handle handle,
      String uuid,
      String verb,
      String conductor,
      String instanceId,
      List<String> idents,
      Instant now) {
    handle
        .createUpdate(
            "INSERT INTO bulk_requests (uuid, verb, conductor, instance_id, node_count,"
                + " created_at) VALUES (:uuid, :verb, :conductor, :instance, :count, :now)")
        .bind("uuid", uuid)
        .bind("verb", verb)
        .bind("conductor", conductor)
        .bind("instance", instanceId)
        .bind("count", idents.size())
        .bind("now", Sql.timestamp(now))
        .execute();
    long id =
        handle
            .createQuery("SELECT id FROM bulk_requests WHERE uuid = :uuid")
            .bind("uuid", uuid)
            .mapTo(Long.class)
            .one();
    PreparedBatch batch =
        handle.prepareBatch(
            "INSERT INTO bulk_request_nodes (request_id, seq, ident, result, updated_at)"
                + " VALUES (:request, :seq, :ident, 'pending', :now)");
    for (int i = 0; i < idents.size(); i++) {
      batch
          .bind("request", id)
          .bind("seq", i)
          .bind("ident", idents.get(i))
          .bind("now", Sql.timestamp(now))
          .add();
    }
    batch.execute();
    return handle
        .createQuery("SELECT id FROM bulk_request_nodes WHERE request_id = :request ORDER BY seq")
        .bind("request", id)
        .mapTo(Long.class)
        .list();
  }

  /** The request {@code uuid} (lower case), if any. */
  public static Optional<Request> find(Handle handle, String uuid) {
    return handle
        .createQuery(
            "SELECT id, uuid, verb, conductor, instance_id, node_count, created_at"
                + " FROM bulk_requests WHERE uuid = :uuid")
        .bind("uuid", uuid)
        .map(
            (rs, ctx) ->
                new Request(
                    rs.getLong("id"),
                    rs.getString("uuid"),
                    rs.getString("verb"),
                    rs.getString("conductor"),
                    rs.getString("instance_id"),
                    rs.getInt("node_count"),
                    Sql.instant(rs, "created_at")))
        .findOne();
  }

  /** The node rows of request {@code requestId}, in the order they were given. */
  public static List<NodeRow> nodes(Handle handle, long requestId) {
    return handle
        .createQuery(
            "SELECT "
                + NODE_COLUMNS
                + " FROM bulk_request_nodes n WHERE n.request_id = :request ORDER BY n.seq")
        .bind("request", requestId)
        .map((rs, ctx) -> nodeRow(rs))
        .list();
  }

  /**
   * Records that the node's action started: its UUID, the state it shows now and the state it aims
   * at. The result stays pending.
   */
  public static void started(
      Handle handle, long rowId, String nodeUuid, String state, String target, Instant now) {
    handle
        .createUpdate(
            "UPDATE bulk_request_nodes SET node_uuid = :uuid, state = :state, target = :target,"
                + " updated_at = :now WHERE id = :id AND result = 'pending'")
        .bind("id", rowId)
        .bind("uuid", nodeUuid)
        .bind("state", state)
        .bind("target", target)
        .bind("now", Sql.timestamp(now))
        .execute();
  }

  /**
   * Writes the node's result ({@code success} or {@code error}) if it is still pending; a {@code
   * null} UUID or state keeps what the row has.
   *
   * @return whether this call wrote it
   */
  public static boolean finish(
      Handle handle,
      long rowId,
      String nodeUuid,
      String state,
      String result,
      String error,
      Instant now) {
    return handle
            .createUpdate(
                "UPDATE bulk_request_nodes SET node_uuid = COALESCE(:uuid, node_uuid), state ="
                    + " COALESCE(:state, state), result = :result, error = :error, updated_at ="
                    + " :now WHERE id = :id AND result = 'pending'")
            .bind("id", rowId)
            .bind("uuid", nodeUuid)
            .bind("state", state)
            .bind("result", result)
            .bind("error", error)
            .bind("now", Sql.timestamp(now))
            .execute()
        == 1;
  }

  /**
   * Up to {@code limit} pending rows with an id above {@code afterId}, by id, with their requests:
   * one page of every pending row.
   */
  public static List<Pending> pending(Handle handle, long afterId, int limit) {
    return handle
        .createQuery(
            "SELECT "
                + NODE_COLUMNS
                + ", r.uuid AS request_uuid, r.verb, r.conductor, r.instance_id"
                + " FROM bulk_request_nodes n JOIN bulk_requests r ON r.id = n.request_id"
                + " WHERE n.result = 'pending' AND n.id > :after ORDER BY n.id FETCH FIRST "
                + limit
                + " ROWS ONLY")
        .bind("after", afterId)
        .map(
            (rs, ctx) ->
                new Pending(
                    nodeRow(rs),
                    rs.getString("request_uuid"),
                    rs.getString("verb"),
                    rs.getString("conductor"),
                    rs.getString("instance_id")))
        .list();
  }

  /**
   * Deletes requests created before {@code cutoff} that have no pending row left (their rows go
   * with them).
   *
   * @return how many requests were deleted
   */
  public static int deleteFinishedBefore(Handle handle, Instant cutoff) {
    return handle
        .createUpdate(
            "DELETE FROM bulk_requests WHERE created_at < :cutoff AND NOT EXISTS (SELECT 1 FROM"
                + " bulk_request_nodes n WHERE n.request_id = bulk_requests.id AND n.result ="
                + " 'pending')")
        .bind("cutoff", Sql.timestamp(cutoff))
        .execute();
  }

  private static NodeRow nodeRow(ResultSet rs) throws SQLException {
    return new NodeRow(
        rs.getLong("id"),
        rs.getInt("seq"),
        rs.getString("ident"),
        rs.getString("node_uuid"),
        rs.getString("state"),
        rs.getString("target"),
        rs.getString("result"),
        rs.getString("error"));
  }
}
