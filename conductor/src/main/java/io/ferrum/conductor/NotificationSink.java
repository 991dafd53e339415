package io.ferrum.conductor;

/**
 * Where notifications go. Called on the thread that made the change (a worker, for provision and
 * power work), after the change was committed; for one action, {@code start} is always delivered
 * before its {@code end} or {@code error}.
 *
 * <p>Implementations must be thread-safe and quick; a sink that throws is logged and ignored, so it
 * can never break a node's work.
 */
@FunctionalInterface
public interface NotificationSink {

  /** Takes one notification. */
  void emit(Notification notification);

  /** A sink that drops everything. */
  static NotificationSink none() {
    return notification -> {};
  }
}
