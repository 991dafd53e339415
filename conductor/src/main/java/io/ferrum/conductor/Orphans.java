package io.ferrum.conductor;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this conductor knows about work it could not finish recording: a job whose final write, its
 * failure handling or its release failed (the database was down), or whose start may have landed
 * although the write reported a failure. {@link ReservationRecovery} uses the reason as the node's
 * {@code last_error}, announces a start that landed unannounced, and forgets the entry once the
 * node is repaired.
 *
 * <p>Thread-safe.
 */
final class Orphans {

  /**
   * One node left behind.
   *
   * @param nodeId the node's database id
   * @param reason why the work could not finish, for {@code last_error}
   * @param unannounced a start whose write may have landed without its notification, or {@code
   *     null}
   * @param since when it was left behind
   */
  record Orphan(long nodeId, String reason, Unannounced unannounced, Instant since) {}

  /**
   * A notification that was never emitted because its write reported a failure, though the write
   * may have landed.
   *
   * @param action {@code provision_set} or {@code power_set}
   * @param status the notification's status ({@code start}, {@code end}, {@code error}, ...)
   * @param column the column that shows whether the write landed ({@code provision_state} or {@code
   *     target_power_state}), or {@code null} when only the version can tell
   * @param value the value it holds if the write landed
   * @param version the node's version if the write landed and nothing was written since
   * @param extra the notification's extra payload fields
   */
  record Unannounced(
      String action,
      String status,
      String column,
      String value,
      long version,
      Map<String, Object> extra) {
    /**
     * Whether {@code node} shows the write as landed, with nothing written after it: only then is
     * announcing it now still in order.
     */
    boolean landedOn(Node node) {
      if (node.version() != version) {
        return false;
      }
      if (column == null) {
        return true;
      }
      String actual =
          column.equals("provision_state") ? node.provisionState() : node.targetPowerState();
      return Objects.equals(value, actual);
    }
  }

  private final Map<Long, Orphan> byNode = new ConcurrentHashMap<>();
  private volatile Runnable onAdd = () -> {};

  /** What to do when a node is left behind (ask recovery to run soon). */
  void onAdd(Runnable action) {
    this.onAdd = action;
  }

  /** Records a node left behind; an earlier entry's reason and unannounced start are kept. */
  void add(Orphan orphan) {
    byNode.merge(
        orphan.nodeId(),
        orphan,
        (old, fresh) ->
            new Orphan(
                old.nodeId(),
                old.reason() != null ? old.reason() : fresh.reason(),
                old.unannounced() != null ? old.unannounced() : fresh.unannounced(),
                old.since()));
    onAdd.run();
  }

  /** The entry for the node, or {@code null}. */
  Orphan get(long nodeId) {
    return byNode.get(nodeId);
  }

  /** Forgets the node: it was repaired. */
  void remove(long nodeId) {
    byNode.remove(nodeId);
  }

  /**
   * The entries {@link #forgetSettled} would forget that carry an unannounced change: their write
   * may have landed and given the node back, so recovery never sees them reserved.
   */
  List<Orphan> settledUnannounced(Set<Long> candidates, Instant before) {
    return byNode.values().stream()
        .filter(
            o ->
                o.unannounced() != null
                    && !candidates.contains(o.nodeId())
                    && o.since().isBefore(before))
        .toList();
  }

  /**
   * Forgets entries recorded before {@code before} for nodes not in {@code candidates}: a recovery
   * pass found nothing to repair there (an unknown outcome that did not land).
   */
  void forgetSettled(Set<Long> candidates, Instant before) {
    byNode.values().removeIf(o -> !candidates.contains(o.nodeId()) && o.since().isBefore(before));
  }

  /** How many nodes wait for repair. */
  int size() {
    return byNode.size();
  }
}
