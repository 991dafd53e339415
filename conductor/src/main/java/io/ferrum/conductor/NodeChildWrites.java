package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Writes to what belongs to a node (its ports, port groups and allocation), as Ironic makes them:
 * under the node's exclusive lock, in one transaction, with a unique-key clash turned into a clear
 * 409. Stateless and thread-safe.
 */
final class NodeChildWrites {

  private final ConductorContext ctx;
  private final TaskManager tasks;

  NodeChildWrites(ConductorContext ctx, TaskManager tasks) {
    this.ctx = ctx;
    this.tasks = tasks;
  }

  /**
   * Runs {@code work} in one transaction while holding {@code node}'s exclusive lock, then releases
   * it.
   *
   * @param named whether the request named the node in its body: then a node that does not exist is
   *     a bad parameter (400), as in Ironic, rather than a missing resource
   * @param clash the message for a unique-key clash, given the failure
   */
  <T> T underNodeLock(
      String node,
      String purpose,
      boolean named,
      Function<Throwable, String> clash,
      BiFunction<Task, Handle, T> work) {
    Task task;
    try {
      task = tasks.acquire(node, purpose, LockMode.EXCLUSIVE);
    } catch (NodeNotFoundException e) {
      if (named) {
        throw new InvalidParameterException(e.getMessage(), e);
      }
      throw e;
    }
    try (task) {
      return ctx.inTransaction(
          purpose + " of node " + task.node().label(), h -> work.apply(task, h));
    } catch (DatabaseException e) {
      if (isUniqueViolation(e)) {
        throw new NodeConflictException(clash.apply(e), e);
      }
      throw e;
    }
  }

  /**
   * Runs {@code work} in one transaction, without a node lock, with a unique-key clash turned into
   * a 409.
   */
  <T> T underTransaction(
      String purpose, Function<Throwable, String> clash, Function<Handle, T> work) {
    try {
      return ctx.inTransaction(purpose, work);
    } catch (DatabaseException e) {
      if (isUniqueViolation(e)) {
        throw new NodeConflictException(clash.apply(e), e);
      }
      throw e;
    }
  }

  /** Reads in a handle of its own. */
  <T> T read(String what, Function<Handle, T> work) {
    return ctx.withHandle(what, work);
  }

  static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && NodeStore.UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** A UUID as stored (lower case), or a new one for {@code null}. */
  static String uuid(String requested, String what) {
    if (requested == null) {
      return java.util.UUID.randomUUID().toString();
    }
    if (!ConductorContext.looksLikeUuid(requested)) {
      throw new InvalidParameterException(
          "\"" + requested + "\" is not a valid UUID (" + what + ")");
    }
    return requested.toLowerCase(java.util.Locale.ROOT);
  }

  /** The text in {@code value}, at most {@code limit} characters, or null. */
  static String text(Object value, String field, int limit) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new InvalidParameterException(field + " must be a string");
    }
    if (text.length() > limit) {
      throw new InvalidParameterException(field + " is longer than " + limit + " characters");
    }
    return text;
  }
}
