package io.ferrum.fsm;

/**
 * Code that runs while an instance {@linkplain MachineInstance#fire(String) fires} an event: on a
 * transition ({@link MachineDefinition.Builder#then}), on leaving a state ({@link
 * MachineDefinition.Builder#onExit}) or on entering one ({@link
 * MachineDefinition.Builder#onEntry}).
 *
 * <p>Not to be confused with {@link TransitionAction}, which only names the work a transition
 * stands for and is reported to the caller, who runs it afterwards.
 *
 * <p>Actions run on the thread that calls {@code fire}, in this order: the exit actions of the
 * state left, the transition's actions, the entry actions of the state entered, each group in
 * declaration order. The instance moves only after the last one returns. If one throws, the actions
 * after it do not run, those before it are not undone, and the instance stays in the state it was
 * in, with the same target, ready for the next event; the caller gets an {@link
 * ActionFailedException} with the exception as its cause.
 *
 * <p>Implementations should be thread-safe (a definition and its actions serve every instance), for
 * example by keeping all mutable data in the context.
 *
 * @param <C> the type of the context the action works on
 */
@FunctionalInterface
public interface Action<C> {

  /**
   * Does the work.
   *
   * @param context the instance's context; {@code null} when the instance was created without one
   * @throws Exception to refuse the transition: the instance stays where it was
   */
  void run(C context) throws Exception;
}
