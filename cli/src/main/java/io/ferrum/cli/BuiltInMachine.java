package io.ferrum.cli;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.ProvisionMachine;

/** The machines the CLI can show, by the names users type. */
enum BuiltInMachine {
  PROVISION(ProvisionMachine.DEFINITION),
  POWER(PowerMachine.DEFINITION);

  private final MachineDefinition definition;

  BuiltInMachine(MachineDefinition definition) {
    this.definition = definition;
  }

  MachineDefinition definition() {
    return definition;
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
