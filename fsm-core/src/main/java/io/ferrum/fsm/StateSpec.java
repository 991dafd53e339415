package io.ferrum.fsm;

import java.util.Optional;

/**
 * One state of a machine: its name, whether it is stable, and for a transient state the stable
 * state it aims at (Ironic's {@code target_provision_state}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the state's name, e.g. {@code "wait call-back"}
 * @param stable whether the state is stable (nothing is in progress there)
 * @param target for a transient state, the stable state it aims at; {@code null} for a stable one
 */
public record StateSpec(String name, boolean stable, String target) {

  /**
   * Checks the parts that make sense on their own; the rest (the target exists and is stable) is
   * checked when the machine is built.
   *
   * @throws MachineDefinitionException for a null or blank name, or a stable state with a target
   */
  public StateSpec {
    if (name == null || name.isBlank()) {
      throw new MachineDefinitionException("state name must not be null or blank");
    }
    if (stable && target != null) {
      throw new MachineDefinitionException(
          "stable state \"" + name + "\" cannot have a target (\"" + target + "\")");
    }
  }

  /** The stable state a transient state aims at; empty for a stable state. */
  public Optional<String> declaredTarget() {
    return Optional.ofNullable(target);
  }
}
