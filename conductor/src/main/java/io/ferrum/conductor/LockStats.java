package io.ferrum.conductor;

/**
 * Counters of this conductor's exclusive locks since it started.
 *
 * @param acquired exclusive locks taken
 * @param refused acquisitions that ended in {@link NodeLockedException}
 * @param waitSeconds total time spent acquiring (including retries), refused ones included
 */
public record LockStats(long acquired, long refused, double waitSeconds) {}
