package io.ferrum.testkit.conductor;

import io.ferrum.conductor.Notification;
import io.ferrum.conductor.NotificationSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps every notification for the check, then fails on command: the notification is recorded (the
 * conductor did deliver it), then the sink throws, as a broken message bus does. Thread-safe.
 */
final class RecordingSink implements NotificationSink {

  /** How the next emit fails. */
  enum Failure {
    RUNTIME_EXCEPTION,
    ERROR
  }

  private final List<Notification> notifications = new ArrayList<>();
  private final AtomicReference<Failure> next = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger struck =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public void emit(Notification notification) {
    synchronized (this) {
      notifications.add(notification);
    }
    Failure failure = next.getAndSet(null);
    if (failure != null) {
      struck.incrementAndGet();
    }
    if (failure == Failure.RUNTIME_EXCEPTION) {
      throw new IllegalStateException("injected sink failure");
    }
    if (failure == Failure.ERROR) {
      throw new AssertionError("injected sink error");
    }
  }

  void failNext(Failure failure) {
    next.set(failure);
  }

  int struck() {
    return struck.get();
  }

  void clearFaults() {
    next.set(null);
  }

  synchronized List<Notification> forNode(String uuid) {
    return notifications.stream().filter(n -> uuid.equals(n.nodeUuid())).toList();
  }

  synchronized int count(String uuid) {
    int count = 0;
    for (Notification n : notifications) {
      if (uuid.equals(n.nodeUuid())) {
        count++;
      }
    }
    return count;
  }
}
