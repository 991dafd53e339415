package io.ferrum.api;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many requests each client address has in progress, capped per address. An address's entry
 * exists only while it has a request in progress, so the table holds at most as many entries as
 * requests run at once. Thread-safe.
 */
final class ClientSlots {

  private final int perClient;
  private final ConcurrentHashMap<String, Integer> inProgress = new ConcurrentHashMap<>();

  ClientSlots(int perClient) {
    this.perClient = perClient;
  }

  /**
   * Takes a slot for {@code client}. Every {@code true} must be followed by one {@link
   * #leave(String)}.
   *
   * @return whether the client was below its limit
   */
  boolean enter(String client) {
    boolean[] taken = {false};
    inProgress.compute(
        client,
        (address, count) -> {
          int now = count == null ? 0 : count;
          if (now >= perClient) {
            return count;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  /** Gives {@code client}'s slot back. */
  void leave(String client) {
    inProgress.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
  }

  /** Requests {@code client} has in progress. */
  int inProgress(String client) {
    return inProgress.getOrDefault(client, 0);
  }
}
