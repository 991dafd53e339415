package io.ferrum.fsm;

/**
 * A condition on a transition: the transition is taken only when its guard allows it for the
 * instance's context (its extended state). Attached with {@link MachineDefinition.Builder#when}
 * under a name that exports and messages show.
 *
 * <p>A guard is evaluated on the thread that calls {@link MachineInstance#fire(String) fire},
 * {@link MachineInstance#dryRun(String) dryRun} or {@link MachineInstance#canFire(String) canFire},
 * so it may run several times for one event: it must be free of side effects. A guard that throws
 * leaves the instance unchanged; the caller gets a {@link GuardFailedException} with the exception
 * as its cause.
 *
 * <p>Implementations should be thread-safe (a definition and its guards serve every instance),
 * which a guard that only reads its argument is.
 *
 * @param <C> the type of the context the guard reads
 */
@FunctionalInterface
public interface Guard<C> {

  /**
   * Whether the transition may be taken now.
   *
   * @param context the instance's context; {@code null} when the instance was created without one
   * @throws Exception if the condition cannot be evaluated; the event is then refused with a {@link
   *     GuardFailedException}
   */
  boolean allows(C context) throws Exception;
}
