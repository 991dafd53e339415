package io.ferrum.conductor;

import java.util.ArrayList;
import java.util.List;

/** Keeps every notification in memory, in order; for tests and the harness. Thread-safe. */
public final class InMemoryNotificationSink implements NotificationSink {

  private final List<Notification> notifications = new ArrayList<>();

  @Override
  public synchronized void emit(Notification notification) {
    notifications.add(notification);
  }

  /** A copy of everything received so far, in order. */
  public synchronized List<Notification> all() {
    return List.copyOf(notifications);
  }

  /** A copy of the notifications about the node with {@code uuid}, in order. */
  public synchronized List<Notification> forNode(String uuid) {
    return notifications.stream().filter(n -> uuid.equals(n.nodeUuid())).toList();
  }

  /** Forgets everything. */
  public synchronized void clear() {
    notifications.clear();
  }
}
