package io.ferrum.fsm;

/**
 * The work a transition stands for, identified by an id (for example {@code "deploy"} on {@code
 * available --deploy--> deploying}).
 *
 * <p>fsm-core never runs a {@code TransitionAction}: {@link MachineInstance#fire(String)} only
 * reports which one the transition carries. Whoever drives the machine (the conductor) runs it
 * afterwards, in its own worker, and fires the follow-up event ({@code done}, {@code wait} or
 * {@code fail}) from its outcome. This suits work that takes long or must survive a restart. Code
 * that should run inside {@code fire} itself, on the caller's thread, is an {@link Action}.
 *
 * <p>Two actions are equal when their ids are; implementations must keep that contract so that
 * definitions compare by structure.
 */
public interface TransitionAction {

  /**
   * The action's identifier, as exported to JSON (for example {@code "deploy"}). Never blank.
   * Called {@code id} rather than {@code name} so that enums can implement this interface.
   */
  String id();

  /** An action that is nothing but an id; the driver of the machine decides what it does. */
  static TransitionAction named(String id) {
    return new Named(id);
  }

  /** The plain named action returned by {@link #named(String)}. */
  record Named(String id) implements TransitionAction {
    /**
     * Checks the id.
     *
     * @throws MachineDefinitionException for a null or blank id
     */
    public Named {
      if (id == null || id.isBlank()) {
        throw new MachineDefinitionException("action id must not be null or blank");
      }
    }

    @Override
    public String toString() {
      return id;
    }
  }
}
