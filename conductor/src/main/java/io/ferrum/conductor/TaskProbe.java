package io.ferrum.conductor;

/**
 * Hears of the moments in a task's life where a conductor process may die with work in flight, so
 * that a deterministic simulation can stop a conductor abruptly at exactly those moments (by
 * cutting it off from its database and throwing from here). Production conductors use {@link
 * #NONE}.
 *
 * <p>The probe is called on the thread that does the work, outside any database transaction. What
 * it throws propagates like any failure at that point: the conductor handles it as it would a
 * database failure there (the job's failure path, an orphan for reservation recovery), so a probe
 * that throws from a conductor that still reaches its database only exercises those paths.
 */
@FunctionalInterface
public interface TaskProbe {

  /** The moments a probe hears of. */
  enum Point {
    /** An exclusive task has just taken the node's reservation (the commit landed). */
    LOCK_TAKEN,
    /**
     * A job's post-process-event has committed and announced its start, before the request that
     * handed it off returns; the work has not run yet.
     */
    EVENT_APPLIED,
    /** A task is about to give the node's reservation back with a write of its own. */
    RELEASING
  }

  /** A probe that does nothing. */
  TaskProbe NONE = (point, conductor, nodeUuid, purpose) -> {};

  /**
   * Called at {@code point}.
   *
   * @param conductor the conductor's name
   * @param nodeUuid the node's UUID
   * @param purpose the task's purpose, e.g. {@code provision deploy}
   */
  void reached(Point point, String conductor, String nodeUuid, String purpose);
}
