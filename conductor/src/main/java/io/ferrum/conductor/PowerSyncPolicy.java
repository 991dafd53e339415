package io.ferrum.conductor;

/**
 * What the periodic power sync does when the hardware disagrees with the stored power state. A node
 * may choose its own with {@code extra["power_sync_policy"]} ({@code observe} or {@code enforce});
 * otherwise the conductor's default applies.
 */
public enum PowerSyncPolicy {
  /** Store what the hardware says, with a history row and a notification. */
  OBSERVE,
  /**
   * Push the stored state back to the hardware, after the disagreement was seen on several
   * consecutive syncs (and again only after as many more), so a flapping BMC is not hammered.
   */
  ENFORCE
}
