package io.ferrum.conductor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The reservation tokens of this conductor's tasks that are alive: opened before a task writes its
 * token into a node's row, closed once the task gave the reservation back or gave up on it. A
 * reservation under this conductor's name whose token is not here has no task behind it, and {@link
 * ReservationRecovery} repairs it.
 *
 * <p>Each token is opened in an era; a lapse of this conductor ({@link #lapse}, see {@link
 * Membership}) ends the era, and every task opened before it is fenced for good: it makes no more
 * driver calls, whether it still holds its reservation or not.
 *
 * <p>Thread-safe.
 */
final class LiveReservations {

  /** The last lapse: tasks opened in an era before {@code era} are fenced, for {@code reason}. */
  private record Lapse(long era, String reason) {}

  /** A live task: what it does, and the era it was opened in. */
  private record Entry(String purpose, long era) {}

  private final ConcurrentHashMap<Long, Entry> tokens = new ConcurrentHashMap<>();
  private volatile long era;
  private volatile Lapse lapse;

  /** A fresh token (never zero), already counted as live, for a task doing {@code purpose}. */
  long open(String purpose) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Entry entry = new Entry(purpose, era);
    while (true) {
      long token = random.nextLong();
      if (token != 0 && tokens.putIfAbsent(token, entry) == null) {
        return token;
      }
    }
  }

  /** The task with {@code token} no longer holds, or no longer will hold, any reservation. */
  void close(long token) {
    tokens.remove(token);
  }

  /** Whether a live task owns {@code token}. */
  boolean isLive(Long token) {
    return token != null && tokens.containsKey(token);
  }

  /** How many tasks are live. */
  int size() {
    return tokens.size();
  }

  /**
   * The era the live task with {@code token} was opened in; {@link Long#MAX_VALUE} (never fenced)
   * when no live task has it.
   */
  long eraOf(long token) {
    Entry entry = tokens.get(token);
    return entry == null ? Long.MAX_VALUE : entry.era();
  }

  /**
   * Ends the current era: every task opened so far is fenced, with {@code reason}; tasks opened
   * from now on are not.
   *
   * @return how many tasks that are live now it fenced
   */
  synchronized int lapse(String reason) {
    long ended = era;
    era = ended + 1;
    lapse = new Lapse(ended + 1, reason);
    int fenced = 0;
    for (Entry entry : tokens.values()) {
      if (entry.era() <= ended) {
        fenced++;
      }
    }
    return fenced;
  }

  /**
   * Why a task opened in era {@code opened} is fenced: the last lapse since, or {@code null} if
   * there was none.
   */
  String fenced(long opened) {
    Lapse last = lapse;
    return last != null && opened < last.era() ? last.reason() : null;
  }
}
