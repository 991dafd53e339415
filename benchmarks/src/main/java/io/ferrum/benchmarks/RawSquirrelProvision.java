package io.ferrum.benchmarks;

import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.Transition;
import org.squirrelframework.foundation.fsm.StateMachineBuilder;
import org.squirrelframework.foundation.fsm.StateMachineBuilderFactory;
import org.squirrelframework.foundation.fsm.impl.AbstractStateMachine;

/**
 * The provision machine's 93 transitions loaded straight into Squirrel, with no Ferrum code on the
 * firing path: the baseline fsm-core is measured against.
 */
final class RawSquirrelProvision {

  static final StateMachineBuilder<Machine, String, String, Object> BUILDER = build();

  private RawSquirrelProvision() {}

  private static StateMachineBuilder<Machine, String, String, Object> build() {
    StateMachineBuilder<Machine, String, String, Object> builder =
        StateMachineBuilderFactory.create(Machine.class, String.class, String.class, Object.class);
    for (Transition t : ProvisionMachine.DEFINITION.transitions()) {
      builder.externalTransition().from(t.from()).to(t.to()).on(t.event());
    }
    builder.newStateMachine("enroll");
    return builder;
  }

  /** Squirrel instantiates this reflectively: public, static, no-argument constructor. */
  public static class Machine extends AbstractStateMachine<Machine, String, String, Object> {
    public Machine() {}
  }
}
