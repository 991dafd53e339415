package io.ferrum.fsm;

import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One running copy of an {@link EnumMachine}: a {@link MachineInstance} seen through enum
 * constants. Everything {@link MachineInstance} documents holds here (firing order, failure, target
 * rules); {@link #untyped()} is the same instance with strings.
 *
 * <p>Not thread-safe: one thread at a time.
 *
 * @param <S> the state enum
 * @param <E> the event enum
 * @param <C> the context type
 */
public final class EnumInstance<S extends Enum<S>, E extends Enum<E>, C> {

  private final EnumMachine<S, E, C> machine;
  private final MachineInstance untyped;
  private final Map<Object, TransitionListener<FiredTransition>> adapters = new IdentityHashMap<>();

  EnumInstance(EnumMachine<S, E, C> machine, MachineInstance untyped) {
    this.machine = machine;
    this.untyped = untyped;
  }

  /** The machine this instance runs. */
  public EnumMachine<S, E, C> machine() {
    return machine;
  }

  /** The same instance, with strings. */
  public MachineInstance untyped() {
    return untyped;
  }

  /** The current state. */
  public S state() {
    return machine.state(untyped.state());
  }

  /** The current target state, or {@code null} when nothing is aimed at. */
  public S target() {
    String target = untyped.target();
    return target == null ? null : machine.state(target);
  }

  /** The context given when the instance was created, or {@code null}. */
  @SuppressWarnings("unchecked") // EnumMachine.newInstance only takes a C
  public C context() {
    return (C) untyped.context();
  }

  /** Whether the current state is stable. */
  public boolean isStable() {
    return untyped.isStable();
  }

  /** As {@link MachineInstance#canFire(String)}. */
  public boolean canFire(E event) {
    return untyped.canFire(machine.eventName(event));
  }

  /** As {@link MachineInstance#allowedEvents()}. */
  public Set<E> allowedEvents() {
    EnumSet<E> allowed = EnumSet.noneOf(machine.eventType());
    for (String event : untyped.allowedEvents()) {
      allowed.add(machine.event(event));
    }
    return allowed;
  }

  /** As {@link MachineInstance#fire(String)}. */
  public EnumTransition<S, E> fire(E event) {
    return machine.typed(untyped.fire(machine.eventName(event)));
  }

  /** As {@link MachineInstance#fire(String, String)}. */
  public EnumTransition<S, E> fire(E event, S targetOverride) {
    return machine.typed(
        untyped.fire(
            machine.eventName(event),
            targetOverride == null ? null : machine.name(targetOverride)));
  }

  /** As {@link MachineInstance#dryRun(String)}. */
  public EnumTransition<S, E> dryRun(E event) {
    return machine.typed(untyped.dryRun(machine.eventName(event)));
  }

  /** As {@link MachineInstance#dryRun(String, String)}. */
  public EnumTransition<S, E> dryRun(E event, S targetOverride) {
    return machine.typed(
        untyped.dryRun(
            machine.eventName(event),
            targetOverride == null ? null : machine.name(targetOverride)));
  }

  /**
   * As {@link MachineInstance#addListener}, with typed transitions. A listener is registered once
   * here: adding it again does nothing.
   */
  public void addListener(TransitionListener<? super EnumTransition<S, E>> listener) {
    if (adapters.containsKey(listener)) {
      return;
    }
    TransitionListener<FiredTransition> adapter =
        fired -> listener.onTransition(machine.typed(fired));
    adapters.put(listener, adapter);
    untyped.addListener(adapter);
  }

  /**
   * As {@link MachineInstance#removeListener}.
   *
   * @return whether it was registered
   */
  public boolean removeListener(TransitionListener<? super EnumTransition<S, E>> listener) {
    TransitionListener<FiredTransition> adapter = adapters.remove(listener);
    return adapter != null && untyped.removeListener(adapter);
  }

  @Override
  public String toString() {
    return untyped.toString();
  }
}
