package io.ferrum.fsm.internal;

import io.ferrum.fsm.EngineFailureException;
import io.ferrum.fsm.Transition;
import java.util.List;
import org.squirrelframework.foundation.fsm.StateMachineBuilder;
import org.squirrelframework.foundation.fsm.StateMachineBuilderFactory;
import org.squirrelframework.foundation.fsm.StateMachineStatus;
import org.squirrelframework.foundation.fsm.impl.AbstractStateMachine;

/**
 * The Squirrel Foundation machine compiled from one definition. This is the only class in Ferrum
 * that touches Squirrel; nothing of Squirrel appears in fsm-core's public API.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li><b>No actions in Squirrel.</b> A Squirrel action that throws leaves its instance in an
 *       error status that refuses every later event. Ferrum's actions run in the conductor's
 *       worker, after the transition, so Squirrel is only asked to move between states.
 *   <li><b>Checked before fired.</b> Squirrel silently declines an event it has no transition for;
 *       the caller checks the definition's table first, and {@link #fire} verifies Squirrel landed
 *       where the table says, so the two can never drift apart unnoticed.
 *   <li><b>Exceptions translated here</b>, and only here, into {@link EngineFailureException} with
 *       Squirrel's exception as the cause.
 * </ul>
 *
 * <p>Thread-safe once constructed: the builder is prepared in the constructor, and each {@link
 * EngineMachine} is used by one thread at a time.
 */
public final class SquirrelEngine {

  private final String machineName;
  private final StateMachineBuilder<EngineMachine, String, String, Object> builder;

  /** Compiles {@code transitions} into a Squirrel builder and prepares it. */
  public SquirrelEngine(String machineName, String initialState, List<Transition> transitions) {
    this.machineName = machineName;
    try {
      builder =
          StateMachineBuilderFactory.create(
              EngineMachine.class, String.class, String.class, Object.class);
      for (Transition transition : transitions) {
        builder
            .externalTransition()
            .from(transition.from())
            .to(transition.to())
            .on(transition.event());
      }
      // The first instance prepares the builder (Squirrel does that lazily and not cheaply);
      // doing it here keeps later instances cheap and the builder effectively read-only.
      builder.newStateMachine(initialState);
    } catch (RuntimeException e) {
      throw new EngineFailureException(
          "Machine \"" + machineName + "\": the engine refused the definition: " + e, e);
    }
  }

  /** A new Squirrel instance standing in {@code state}. */
  public EngineMachine start(String state) {
    try {
      return builder.newStateMachine(state);
    } catch (RuntimeException e) {
      throw new EngineFailureException(
          "Machine \"" + machineName + "\": the engine could not start in \"" + state + "\"", e);
    }
  }

  /**
   * Fires {@code event} on {@code machine}, which must stand in {@code from}, and checks that it
   * reaches {@code expected}. On any failure the instance is reset to {@code from} and usable.
   *
   * @throws EngineFailureException if Squirrel throws or lands elsewhere
   */
  public void fire(EngineMachine machine, String from, String event, String expected) {
    String landed;
    try {
      machine.fire(event, null);
      landed = machine.getCurrentState();
    } catch (RuntimeException e) {
      machine.recover();
      throw new EngineFailureException(
          "Machine \""
              + machineName
              + "\": the engine failed on \""
              + event
              + "\" in \""
              + from
              + "\"",
          e);
    }
    if (!expected.equals(landed)) {
      throw new EngineFailureException(
          "Machine \""
              + machineName
              + "\": the engine moved \""
              + from
              + "\" on \""
              + event
              + "\" to \""
              + landed
              + "\", the definition says \""
              + expected
              + "\"");
    }
  }

  /**
   * The Squirrel machine class. Squirrel instantiates it by reflection, so it must be a public
   * static class with a no-argument constructor.
   */
  public static class EngineMachine
      extends AbstractStateMachine<EngineMachine, String, String, Object> {

    /** Squirrel's reflective constructor. */
    public EngineMachine() {}

    @Override
    protected void afterTransitionCausedException(
        String fromState, String toState, String event, Object context) {
      // Never let Squirrel's error status poison the instance: keep it usable, and let the
      // exception surface from fire() where SquirrelEngine translates it.
      recover();
      super.afterTransitionCausedException(fromState, toState, event, context);
    }

    void recover() {
      if (getStatus() == StateMachineStatus.ERROR) {
        setStatus(StateMachineStatus.IDLE);
      }
    }
  }
}
