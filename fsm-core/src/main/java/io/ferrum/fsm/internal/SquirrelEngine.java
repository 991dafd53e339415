package io.ferrum.fsm.internal;

import io.ferrum.fsm.EngineFailureException;
import io.ferrum.fsm.Transition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.squirrelframework.foundation.fsm.StateMachineBuilder;
import org.squirrelframework.foundation.fsm.StateMachineBuilderFactory;
import org.squirrelframework.foundation.fsm.StateMachineConfiguration;
import org.squirrelframework.foundation.fsm.StateMachineStatus;
import org.squirrelframework.foundation.fsm.impl.AbstractStateMachine;

/**
 * The Squirrel Foundation machine compiled from one definition. This is the only class in Ferrum
 * that touches Squirrel; nothing of Squirrel appears in fsm-core's public API.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li><b>No guards or actions in Squirrel.</b> A Squirrel action that throws leaves its instance
 *       in an error status that refuses every later event, and a Squirrel machine started in a
 *       persisted state would run that state's entry actions again. fsm-core evaluates guards and
 *       runs actions itself, in a fixed order, and only then asks Squirrel to move.
 *   <li><b>Squirrel moves along edges.</b> By then the transition is chosen, so Squirrel's event is
 *       the destination state: one Squirrel transition per distinct {@code (from, to)} edge, which
 *       also lets guarded alternatives on one Ferrum event lead to different states.
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

  /**
   * Squirrel's defaults, except the identifier: Squirrel would draw a random one for every new
   * machine (through commons-lang3, whose current releases draw it from SecureRandom), and nothing
   * here reads it, so every machine is called after its definition.
   */
  private final StateMachineConfiguration configuration;

  /** Compiles {@code transitions} into a Squirrel builder and prepares it. */
  public SquirrelEngine(String machineName, String initialState, List<Transition> transitions) {
    this.machineName = machineName;
    this.configuration = StateMachineConfiguration.create().setIdProvider(() -> machineName);
    try {
      builder =
          StateMachineBuilderFactory.create(
              EngineMachine.class, String.class, String.class, Object.class);
      Set<List<String>> edges = new HashSet<>();
      for (Transition transition : transitions) {
        if (edges.add(List.of(transition.from(), transition.to()))) {
          builder
              .externalTransition()
              .from(transition.from())
              .to(transition.to())
              .on(transition.to());
        }
      }
      // The first instance prepares the builder (Squirrel does that lazily and not cheaply);
      // doing it here keeps later instances cheap and the builder effectively read-only.
      builder.newStateMachine(initialState, configuration);
    } catch (RuntimeException e) {
      throw new EngineFailureException(
          "Machine \"" + machineName + "\": the engine refused the definition: " + e, e);
    }
  }

  /** A new Squirrel instance standing in {@code state}. */
  public EngineMachine start(String state) {
    try {
      return builder.newStateMachine(state, configuration);
    } catch (RuntimeException e) {
      throw new EngineFailureException(
          "Machine \"" + machineName + "\": the engine could not start in \"" + state + "\"", e);
    }
  }

  /**
   * Moves {@code machine}, which must stand in {@code from}, along the edge to {@code expected}
   * (the transition Ferrum chose for {@code event}, named in messages), and checks that it got
   * there. On any failure the instance is reset to {@code from} and usable.
   *
   * @throws EngineFailureException if Squirrel throws or lands elsewhere
   */
  public void fire(EngineMachine machine, String from, String event, String expected) {
    String landed;
    try {
      machine.fire(expected, null);
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
