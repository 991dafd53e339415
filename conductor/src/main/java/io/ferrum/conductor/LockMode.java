package io.ferrum.conductor;

/** How a {@link Task} holds its node. */
public enum LockMode {
  /** Reads only; takes no reservation, never blocks and is never refused for a busy node. */
  SHARED,
  /** Holds the node's reservation in the database: the only mode that may change the node. */
  EXCLUSIVE
}
