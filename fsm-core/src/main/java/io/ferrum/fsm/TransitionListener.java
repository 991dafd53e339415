package io.ferrum.fsm;

/**
 * Hears about every transition an instance takes, once it is taken. Added to one instance with
 * {@link MachineInstance#addListener} (or {@link EnumInstance#addListener}, which hears typed
 * transitions).
 *
 * <p>Listeners run on the thread that called {@code fire}, after the instance has moved and after
 * every {@link Action action}, in the order they were added. They observe: they cannot refuse the
 * transition. If one throws, the listeners after it still run, then {@code fire} throws a {@link
 * ListenerFailedException} carrying the transition (which stands) and the first exception as its
 * cause.
 *
 * @param <T> what the listener is told: {@link FiredTransition} or {@link EnumTransition}
 */
@FunctionalInterface
public interface TransitionListener<T> {

  /** Called once per transition the instance took. */
  void onTransition(T transition);
}
